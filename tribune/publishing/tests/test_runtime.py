"""The machinery's own promises (docs/runtime.md): refusals are not kept in
anyone's language, middleware the fast paths do not know fails the system check,
and a ``QuerySet.update`` on threads cannot forget its invalidation."""

from __future__ import annotations

import os
import time

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

FTP = "ftp://news.example.org/2026/story"


def _message(client, language: str) -> str:
    response = client.get("/api/v1/comments", {"url": FTP}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    return response.json()["error"]["message"]


@pytest.mark.django_db
def test_a_refused_url_is_answered_in_the_language_of_each_request(client):
    korean = _message(client, "ko")
    english = _message(client, "en")
    assert english == "The URL must start with http:// or https:// and name a host."
    assert korean == "URL은 http:// 또는 https://로 시작하고 호스트를 포함해야 합니다."
    assert _message(client, "ko") == korean


def test_middleware_the_fast_paths_do_not_know_fails_the_system_check():
    assert not [e for e in run_checks() if e.id == "tribune.E001"]
    added = [*settings.MIDDLEWARE, "django.middleware.gzip.GZipMiddleware"]
    with override_settings(MIDDLEWARE=added), pytest.raises(SystemCheckError) as failed:
        call_command("check")
    assert "GZipMiddleware" in str(failed.value) and "TRIBUNE_FAST_PATHS=0" in str(failed.value)
    with override_settings(MIDDLEWARE=added, TRIBUNE_FAST_PATHS=False):
        call_command("check")  # every request goes through Django: nothing skipped


@pytest.mark.django_db(transaction=True)
def test_an_update_of_threads_is_heard_by_what_processes_remember(site, moderator):
    from tribune.core import testing as factories
    from tribune.threads.models import Thread
    from tribune.threads.services import article_resolve

    url = "https://news.example.org/2026/11/updated"
    factories.make_comment(url=url, body="Kept open?")
    assert article_resolve(url=url).thread.is_open  # now remembered by this process
    Thread.objects.filter(url=url).update(is_open=False)  # no signal, no explicit bump
    assert article_resolve(url=url).thread.is_open is False
    Thread.objects.filter(url=url).update(title="Renamed")
    assert article_resolve(url=url).thread.title == "Renamed"


if os.environ.get("DATABASE_URL"):  # the listener exists only on PostgreSQL
    @pytest.mark.django_db(transaction=True)
    def test_a_process_that_hears_nothing_reads_again_within_the_bound(site, moderator):
        from tribune.core import testing as factories
        from tribune.publishing.selectors import published_render
        from tribune.publishing.store import _listener_connection, store

        url = "https://news.example.org/2026/11/deaf"
        factories.make_published(moderator, url=url, body="One.")
        assert published_render(url=url).count == 1  # kept in memory
        store().close()  # no listener from now on: nothing is heard
        with _listener_connection() as other_host:  # changes it, announcing nothing
            other_host.execute("UPDATE publishing_threadrender SET count = 7, "
                               "version = version + 1 WHERE url = %s", [url])
        started = time.monotonic()
        while published_render(url=url).count != 7:
            assert time.monotonic() - started <= 1.0, "a deaf process stayed stale"
            time.sleep(0.02)
