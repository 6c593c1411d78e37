"""Reader pages send ``Referrer-Policy: no-referrer``, shown in Chromium (see
docs/security.md, "Browser security").

1. No origin, not even Tribune's, is told which article a reader was on.
2. Under ``no-referrer`` Chromium posts the page's own form with ``Origin: null``;
   the reader's forms are checked by their CSRF token alone
   (tribune.security.csrf), so the reader's post is accepted…
3. …while a post forged by another site's page, which cannot read the token or
   send the SameSite cookie, is refused — from a plain page and from a
   sandboxed frame, which also says ``Origin: null``.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest

from tribune.comments.models import Comment
from tribune.core.testing import make_published

pytestmark = [pytest.mark.browser]

URL = "https://news.example.org/2026/11/article"


class Recorder:
    """Another origin that records the Referer of each request it gets."""

    def __init__(self):
        self.referers: dict[str, str | None] = {}
        self.pages: dict[str, bytes] = {}
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server interface
                recorder.referers[self.path] = self.headers.get("Referer")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(recorder.pages.get(self.path, b"<!doctype html><title>x</title>"))

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


def thread_url(live_server) -> str:
    return f"{live_server.url}/embed/thread?{urlencode({'url': URL})}"


def test_no_other_origin_learns_which_article_was_read(transactional_db, site, live_server,
                                                        elsewhere, page):
    make_published(url=URL, title="An article")
    response = page.goto(thread_url(live_server))
    assert response.headers["referrer-policy"] == "no-referrer"
    # As if the reader followed a link out of the page.
    page.evaluate("href => { location.href = href; }", f"{elsewhere.origin}/next")
    page.wait_for_url(f"{elsewhere.origin}/next")
    assert elsewhere.referers["/next"] is None


def test_the_readers_own_form_works_under_no_referrer(transactional_db, site, live_server,
                                                       page):
    make_published(url=URL, title="An article")
    sent = []
    page.on("request", lambda r: r.method == "POST" and sent.append(
        (r.headers.get("origin"), r.headers.get("referer"))))
    page.goto(thread_url(live_server))
    page.get_by_label("Display name").fill("Mina")
    page.get_by_label("Comment", exact=True).fill("Under no-referrer.")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="Send for moderation").click()
    assert sent == [("null", None)]
    assert posted.value.status == 303
    assert Comment.objects.filter(body="Under no-referrer.").exists()


FORGED = """<!doctype html><title>forged</title>
<form method="post" action="{action}">
<input name="url" value="{url}"><input name="author" value="Forger">
<textarea name="body">Forged comment.</textarea>
<input name="csrfmiddlewaretoken" value="{token}">
<button>Send</button></form>"""


@pytest.mark.parametrize("sandboxed", [False, True])
def test_a_post_forged_by_another_site_is_refused(transactional_db, site, live_server,
                                                  elsewhere, page, sandboxed):
    make_published(url=URL, title="An article")
    # The reader has the thread open, so their browser holds Tribune's CSRF cookie.
    page.goto(thread_url(live_server))
    form = FORGED.format(action=f"{live_server.url}/embed/thread", url=URL,
                         token="x" * 64).encode()
    elsewhere.pages["/form"] = form
    elsewhere.pages["/"] = (
        b'<!doctype html><iframe sandbox="allow-forms" src="/form"></iframe>'
        if sandboxed else form
    )
    page.goto(f"{elsewhere.origin}/")
    target = page.frame_locator("iframe") if sandboxed else page
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        target.get_by_role("button", name="Send").click()
    assert posted.value.status == 403
    assert not Comment.objects.filter(body="Forged comment.").exists()
