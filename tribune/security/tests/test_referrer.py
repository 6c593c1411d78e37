"""Why reader pages say ``Referrer-Policy: same-origin`` and not ``no-referrer``,
shown in Chromium (see docs/security.md, "Browser security").

1. Under ``same-origin`` no other origin is told which article a reader was on:
   a link followed from the thread page to another site carries no Referer.
2. Under ``no-referrer`` Chromium sends ``Origin: null`` with the page's own
   form post, which Django's CSRF check must refuse (``null`` is also what a
   sandboxed frame of any attacker sends, so it proves nothing).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest

from tribune.core.testing import make_published

pytestmark = [pytest.mark.browser]

URL = "https://news.example.org/2026/11/article"


class Recorder:
    """Another origin that records the Referer of each request it gets."""

    def __init__(self):
        self.referers: dict[str, str | None] = {}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server interface
                recorder.referers[self.path] = self.headers.get("Referer")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(b"<!doctype html><title>elsewhere</title>")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def elsewhere():
    recorder = Recorder()
    yield recorder
    recorder.close()


def test_no_other_origin_learns_which_article_was_read(transactional_db, site, live_server,
                                                        elsewhere, page):
    make_published(url=URL, title="An article")
    thread_page = f"{live_server.url}/embed/thread?{urlencode({'url': URL})}"
    response = page.goto(thread_page)
    assert response.headers["referrer-policy"] == "same-origin"
    # As if the reader followed a link out of the page.
    page.evaluate("href => { location.href = href; }", f"{elsewhere.origin}/next")
    page.wait_for_url(f"{elsewhere.origin}/next")
    assert elsewhere.referers["/next"] is None


def test_no_referrer_would_break_the_readers_own_form(transactional_db, site, live_server, page):
    make_published(url=URL, title="An article")
    thread_page = f"{live_server.url}/embed/thread?{urlencode({'url': URL})}"

    def as_no_referrer(route):
        response = route.fetch()
        headers = {**response.headers, "referrer-policy": "no-referrer"}
        route.fulfill(response=response, headers=headers)

    page.route(thread_page, as_no_referrer)
    sent = []
    page.on("request", lambda r: r.method == "POST" and sent.append(r.headers.get("origin")))
    page.goto(thread_page)
    page.get_by_label("Display name").fill("Mina")
    page.get_by_label("Comment", exact=True).fill("Under no-referrer.")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Send for moderation").click()
    assert sent == ["null"]
    assert posted.value.status == 403  # Django's CSRF check: Origin "null" matches nothing

    # The same form under the policy Tribune sends is accepted.
    page.unroute(thread_page)
    page.goto(thread_page)
    page.get_by_label("Display name").fill("Mina")
    page.get_by_label("Comment", exact=True).fill("Under same-origin.")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Send for moderation").click()
    assert posted.value.status == 303
    assert sent[-1] == live_server.url
