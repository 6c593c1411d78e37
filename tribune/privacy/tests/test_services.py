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
    assert len(one) == 64 and "203" not in one
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
