"""``tribune site`` and ``tribune desk``."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tribune.sites.models import Clause, Desk, Direction, Site, SiteOrigin
from tribune.sites.services import DEFAULT_CLAUSES

pytestmark = pytest.mark.django_db


def tribune(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_site_add_normalises_origins_and_prints_id_origins_and_clauses():
    output = tribune("site", "add", "HTTPS://News.Example.org:443/", "--name", "Example News",
                     "--origin", "http://WWW.example.org:80", "--origin", "https://m.example.org")
    site = Site.objects.get()
    assert site.name == "Example News"
    assert site.default_desk.code == "en"
    assert sorted(SiteOrigin.objects.values_list("origin", flat=True)) == [
        "http://www.example.org", "https://m.example.org", "https://news.example.org",
    ]
    assert f"Created site {site.pk}: Example News (desk en)" in output
    for origin in ("https://news.example.org", "http://www.example.org", "https://m.example.org"):
        assert f"  {origin}\n" in output
    numbers = list(Clause.objects.filter(site=site).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6, 7]
    for number, (title, _text) in enumerate(DEFAULT_CLAUSES, start=1):
        assert f"  {number}. {title}\n" in output


def test_site_add_creates_the_desk_it_names():
    tribune("site", "add", "https://uy.example.org", "--desk", "ug")
    site = Site.objects.get()
    assert site.name == "https://uy.example.org"
    assert site.default_desk.code == "ug"
    assert site.default_desk.direction == Direction.RTL


def test_site_add_reuses_an_existing_desk():
    tribune("desk", "add", "ko", "--name", "Korean service")
    tribune("site", "add", "https://ko.example.org", "--desk", "ko")
    assert Desk.objects.get().name == "Korean service"


def test_site_add_refuses_an_origin_already_registered_and_leaves_nothing_behind():
    tribune("site", "add", "https://news.example.org")
    with pytest.raises(CommandError, match="https://news.example.org already belongs to a site"):
        tribune("site", "add", "https://NEWS.example.org/", "--desk", "bo")
    assert Site.objects.count() == 1
    assert not Desk.objects.filter(code="bo").exists()


def test_site_add_refuses_a_malformed_origin():
    with pytest.raises(CommandError, match="http:// or https://"):
        tribune("site", "add", "news.example.org")
    assert not Site.objects.exists()


def test_site_list():
    assert "No sites yet" in tribune("site", "list")
    tribune("site", "add", "https://news.example.org", "--name", "Example")
    site = Site.objects.get()
    assert f"{site.pk}\tExample\ten\thttps://news.example.org" in tribune("site", "list")


def test_site_add_duplicate_exits_non_zero_with_the_message_and_no_traceback(tribune_cli):
    first = tribune_cli.run("site", "add", "https://dup.example.org")
    assert "Created site" in first.stdout
    second = tribune_cli.run("site", "add", "https://dup.example.org", check=False)
    assert second.returncode != 0
    assert "The origin https://dup.example.org already belongs to a site." in second.stderr
    assert "Traceback" not in second.stderr + second.stdout


def test_desk_add_ug_is_right_to_left():
    output = tribune("desk", "add", "ug")
    desk = Desk.objects.get(code="ug")
    assert desk.direction == Direction.RTL
    assert desk.language == "ug"
    assert "right to left" in output


def test_desk_add_with_name_language_and_direction():
    tribune("desk", "add", "zh-hans", "--name", "Mandarin", "--language", "zh-hans",
            "--direction", "ltr")
    desk = Desk.objects.get()
    assert (desk.code, desk.name, desk.language, desk.direction) == (
        "zh-hans", "Mandarin", "zh-hans", "ltr")


def test_desk_add_refuses_a_duplicate_and_a_bad_direction():
    tribune("desk", "add", "en")
    with pytest.raises(CommandError, match="A desk with code en already exists"):
        tribune("desk", "add", "EN")
    with pytest.raises(CommandError, match="invalid choice"):
        tribune("desk", "add", "ko", "--direction", "up")
    assert Desk.objects.count() == 1


def test_desk_list():
    tribune("desk", "add", "ug")
    tribune("desk", "add", "en")
    lines = tribune("desk", "list").splitlines()
    assert [line.split("\t")[0] for line in lines] == ["en", "ug"]
    assert lines[1].endswith("right to left")
