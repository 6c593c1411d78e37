import pytest
from django.test import RequestFactory, override_settings

from tribune.privacy import services
from tribune.privacy.models import NetworkKey
from tribune.privacy.services import network_hash, network_hash_of, network_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_key_cache():
    # Keys are cached per process; each test starts with an empty database.
    services._KEY_CACHE.clear()


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("::ffff:203.0.113.9", "203.0.113.0/24"),
        ("not an address", ""),
        ("", ""),
    ],
)
def test_network_of_truncates(address, network):
    assert network_of(address) == network


def test_hash_is_keyed_per_network_and_hides_the_address():
    one = network_hash_of("203.0.113.77")
    assert one == network_hash_of("203.0.113.5")  # same /24
    assert one != network_hash_of("203.0.114.77")
    # 64 hex digits: the address cannot show through (a random "203" may).
    assert len(one) == 64 and set(one) <= set("0123456789abcdef")
    assert NetworkKey.objects.count() == 1


def test_old_keys_are_destroyed_when_a_new_day_starts():
    import datetime as dt

    NetworkKey.objects.create(day=dt.date(2020, 1, 1), secret=b"x" * 32)
    network_hash_of("203.0.113.77")
    assert not NetworkKey.objects.filter(day=dt.date(2020, 1, 1)).exists()


def test_forwarded_for_is_only_believed_from_a_trusted_proxy():
    factory = RequestFactory()
    direct = factory.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert network_hash(direct) == network_hash_of("198.51.100.1")
    with override_settings(TRUSTED_PROXIES=["10.0.0.2"]):
        proxied = factory.get(
            "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.7"
        )
        assert network_hash(proxied) == network_hash_of("203.0.113.7")


def test_trusted_proxies_may_be_networks_and_hops_may_carry_ports():
    factory = RequestFactory()
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "2001:db8:ffff::/48"]):
        proxied = factory.get("/", REMOTE_ADDR="10.1.2.3",
                              HTTP_X_FORWARDED_FOR="203.0.113.7:5123, 10.9.9.9")
        assert services._client_address(proxied) == "203.0.113.7"
        v6 = factory.get("/", REMOTE_ADDR="2001:db8:ffff::1",
                         HTTP_X_FORWARDED_FOR="[2001:db8:dead:beef::23]:443")
        assert services._client_address(v6) == "2001:db8:dead:beef::23"
        # A client cannot pose as another: only the hop our proxy added counts.
        spoofed = factory.get("/", REMOTE_ADDR="10.1.2.3",
                              HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.8")
        assert services._client_address(spoofed) == "203.0.113.8"
        # Garbage passed on by a proxy gives no identity rather than a wrong one.
        garbage = factory.get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="unknown")
        assert network_hash(garbage) == ""
        # Not from a proxy: the header is ignored.
        direct = factory.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert services._client_address(direct) == "198.51.100.1"


def test_a_bad_proxy_setting_trusts_nobody():
    factory = RequestFactory()
    with override_settings(TRUSTED_PROXIES=["not-an-address"]):
        request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert services._client_address(request) == "10.0.0.2"


def test_only_todays_key_is_kept_in_the_database_and_in_memory(settings):
    import datetime as dt

    from django.utils import timezone

    today = timezone.now().date()
    NetworkKey.objects.create(day=today - dt.timedelta(days=1), secret=b"y" * 32)
    services._KEY_CACHE[today - dt.timedelta(days=1)] = b"y" * 32
    network_hash_of("203.0.113.77")
    assert list(NetworkKey.objects.values_list("day", flat=True)) == [today]
    # Within a test's transaction the key is not cached (it could be rolled back).
    assert services._KEY_CACHE == {}
    settings.TRIBUNE_NETWORK_KEY_DAYS = 2
    NetworkKey.objects.create(day=today - dt.timedelta(days=1), secret=b"y" * 32)
    assert services.network_keys_destroy() == 0
    assert NetworkKey.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_key_is_cached_only_once_committed():
    from django.db import transaction

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        rolled_back = network_hash_of("203.0.113.77")
        raise Rollback
    assert services._KEY_CACHE == {} and not NetworkKey.objects.exists()
    committed = network_hash_of("203.0.113.77")
    assert committed != rolled_back  # the rolled-back key was never used again
    assert list(services._KEY_CACHE.values()) == [bytes(NetworkKey.objects.get().secret)]
    assert network_hash_of("203.0.113.1") == committed
