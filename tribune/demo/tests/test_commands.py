"""``tribune demo``: the demo site, loaded through the services, idempotently."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from tribune.comments.models import Comment, Commenter, Status
from tribune.demo.content import ARTICLES, DESKS
from tribune.moderation.models import Decision
from tribune.publishing.models import ThreadRender
from tribune.sites.models import Clause, Desk, Site, SiteOrigin
from tribune.threads.models import Thread

pytestmark = pytest.mark.django_db

PASSWORD = "demo-password-for-tests"
MODELS = (Desk, Site, SiteOrigin, Clause, Thread, Comment, Commenter, Decision, ThreadRender)


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS} | {
        "users": get_user_model().objects.count()}


def test_demo_loads_desks_site_articles_comments_and_a_desk_editor():
    output = demo("--password", PASSWORD)
    assert {(d.code, d.direction) for d in Desk.objects.all()} == {
        ("en", "ltr"), ("ko", "ltr"), ("ug", "rtl"), ("bo", "ltr"), ("zh-hans", "ltr"),
        ("zh-hant", "ltr"), ("my", "ltr"), ("vi", "ltr"), ("km", "ltr"), ("lo", "ltr")}
    site = Site.objects.get()
    assert site.name == "Tribune Demo"
    assert list(site.origins.values_list("origin", flat=True)) == ["http://127.0.0.1:8000"]
    threads = {t.url: t for t in Thread.objects.select_related("desk")}
    assert len(threads) == len(ARTICLES) >= 5
    for article in ARTICLES:
        thread = threads[f"http://127.0.0.1:8000/demo/articles/{article.slug}"]
        assert thread.title == article.title
        assert thread.desk.code == article.desk
        published = thread.comments.filter(status=Status.APPROVED)
        assert published.count() >= 2
        assert set(published.values_list("language", flat=True)) == {thread.desk.language}
    assert {a.desk for a in ARTICLES} == {d.code for d in DESKS}

    approved = Comment.objects.filter(status=Status.APPROVED)
    assert approved.filter(parent__isnull=False).exists()
    edited = approved.get(edited_body__isnull=False)
    # Clause 4 (personal information): the original is sealed in the redaction
    # vault, not kept in clear (tribune.privacy.vault).
    assert edited.decision_clause == 4 and edited.body == ""
    assert "0301" not in edited.edited_body
    assert edited.redacted_originals.count() == 1
    assert Comment.objects.filter(status=Status.PENDING).count() >= len(ARTICLES)
    assert ThreadRender.objects.count() == len(ARTICLES)

    user = get_user_model().objects.get(username="demo")
    assert user.check_password(PASSWORD) and not user.is_superuser
    assert set(user.desk_assignments.values_list("role", flat=True)) == {"editor"}
    assert user.desk_assignments.count() == len(DESKS)
    assert Decision.objects.exclude(moderator=user).count() == 0

    assert "http://127.0.0.1:8000/demo/\n" in output
    assert "With the widget:  http://127.0.0.1:8000/demo/articles/" in output
    assert "In an iframe:     http://127.0.0.1:8000/demo/articles/" in output
    assert "Start the server with `tribune serve`, then open:" in output
    assert "http://127.0.0.1:8000/moderate/login/" in output
    assert "user:     demo\n" in output
    assert f"password: {PASSWORD}\n" in output


def test_demo_twice_duplicates_nothing_and_resets_the_password():
    demo("--password", PASSWORD)
    before = counts()
    output = demo("--password", "a-new-demo-password")
    assert counts() == before
    assert "already loaded; nothing was added" in output
    assert "password: a-new-demo-password" in output
    user = get_user_model().objects.get(username="demo")
    assert user.check_password("a-new-demo-password")


def test_demo_without_password_prints_a_random_one_that_works():
    output = demo()
    password = re.search(r"^  password: (\S+)$", output, re.MULTILINE).group(1)
    assert len(password) >= 12
    assert get_user_model().objects.get(username="demo").check_password(password)
    again = re.search(r"^  password: (\S+)$", demo(), re.MULTILINE).group(1)
    assert again != password


def test_demo_at_another_origin():
    output = demo("--origin", "HTTP://Localhost:9000/", "--password", PASSWORD)
    assert SiteOrigin.objects.get().origin == "http://localhost:9000"
    assert Thread.objects.filter(url__startswith="http://localhost:9000/demo/articles/").count() \
        == len(ARTICLES)
    assert "http://localhost:9000/demo/" in output


def test_demo_rerun_at_another_port_moves_the_demo_site_and_adds_nothing():
    demo("--password", PASSWORD)
    first = {t.pk: t.url for t in Thread.objects.all()}
    before = counts()
    output = demo("--origin", "http://127.0.0.1:9000", "--password", PASSWORD)
    assert counts() == before
    site = Site.objects.get()
    assert list(site.origins.values_list("origin", flat=True)) == ["http://127.0.0.1:9000"]
    assert {t.pk: t.url for t in Thread.objects.all()} == {
        pk: url.replace(":8000/", ":9000/") for pk, url in first.items()}
    assert "moved from http://127.0.0.1:8000 to http://127.0.0.1:9000" in output
    assert "nothing was added" in output
    # Readers find the comments at the new address, rendered under it.
    for render in ThreadRender.objects.all():
        assert render.url.startswith("http://127.0.0.1:9000/")
        assert '"url":"http://127.0.0.1:9000/' in render.payload
    # And back again: still one site, nothing twice.
    demo("--password", PASSWORD)
    assert counts() == before
    assert SiteOrigin.objects.get().origin == "http://127.0.0.1:8000"


def test_scripts_demo_says_the_server_is_starting():
    output = demo("--password", PASSWORD, "--serving")
    assert "The server is starting. Open:" in output
    assert "Start the server with" not in output


def test_demo_refuses_a_bad_origin_or_a_weak_password():
    with pytest.raises(CommandError, match="http:// or https://"):
        demo("--origin", "localhost")
    with pytest.raises(CommandError, match="too short"):
        demo("--password", "short")
    assert not Site.objects.exists()
    assert not get_user_model().objects.exists()
