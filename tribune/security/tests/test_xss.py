"""Hostile input in a real browser: a corpus of XSS payloads put into every
field a reader or moderator can fill (name, comment, article title, article URL,
moderator's note, moderator's name), then every page that shows them is opened
in Chromium with JavaScript on — the reader's thread page, the Terms page, the
moderation queue (every tab), the article and figures pages of the workspace,
and the widget (/embed.js) on a publisher's page of another origin.

Every payload calls ``xss(N)``; a function of that name is installed in every
frame before any page script runs, and records its calls. The test asserts that
it was never called, that no dialog opened, and that no request left for any
origin but Tribune's and the publisher's page. It also checks the payloads are
shown, as text.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

import pytest

from tribune.actions.submit import comment_submit
from tribune.core.errors import InvalidInput
from tribune.core.testing import make_moderator, make_site
from tribune.embed.testing import HostSite
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import DeskAssignment, Role
from tribune.threads.models import Thread

pytestmark = [pytest.mark.browser]

PAYLOADS = [
    "<script>xss(1)</script>",
    "<img src=x onerror=xss(2)>",
    "<svg onload=xss(3)>",
    "<svg><script>xss(4)</script></svg>",
    '"><script>xss(5)</script>',
    "'><img src=x onerror=xss(6)>",
    '<a href="javascript:xss(7)">click me</a>',
    "javascript:xss(8)",
    '<iframe src="javascript:xss(9)"></iframe>',
    "<body onload=xss(10)>",
    "&lt;script&gt;xss(11)&lt;/script&gt;",
    "&#60;img src=x onerror=xss(12)&#62;",
    "<details open ontoggle=xss(13)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=xss(14)>",
    "{{7*7}} {{constructor.constructor('xss(15)')()}}",
    "${xss(16)} #{7*7} <%= 7*7 %> {% debug %}",
    "\u200f<script>xss(17)</script>\u200e",
    "<style>*{background:url(https://evil.example/bg)}</style>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    '<meta http-equiv=refresh content="0;url=javascript:xss(20)">',
    '<object data="javascript:xss(21)"></object>',
    "<input autofocus onfocus=xss(22)>",
    "<base href=https://evil.example/>",
    "</textarea><script>xss(24)</script>",
    "</title><script>xss(25)</script>",
    '<noscript><p title="</noscript><img src=x onerror=xss(26)>">',
    "data:text/html,<script>xss(27)</script>",
    "<form action=https://evil.example><button>go</button></form>",
    "<img src=https://evil.example/pixel.png>",
    "</script><script>xss(30)</script>",
    "\u2028\u2029<script>xss(31)</script>",
    '<div style="background:url(javascript:xss(32))">x</div>',
]
# An article URL has no spaces; its path and query carry payloads of their own.
URL_PAYLOAD = "/news/<script>xss(40)</script>/'\"><svg/onload=xss(41)>?q=<img/src/onerror=xss(42)>"

INIT_SCRIPT = """
window.__xssHits = [];
window.xss = function (n) { window.__xssHits.push(n); };
"""


@pytest.fixture
def publisher(live_server):
    # No CSP on this page: a script the widget let through must be able to run.
    page = HostSite(live_server.url, strict_csp=False)
    yield page
    page.close()


@pytest.fixture
def hostile(transactional_db, publisher):
    """A site on the publisher's origin with every payload in every field."""
    site = make_site(origin=publisher.origin)
    thread_url = publisher.origin + URL_PAYLOAD
    # The moderator's own name is a payload too (shown in the queue, the audit
    # trail and the figures).
    moderator = make_moderator(name="<img src=x onerror=xss(50)>", desk_codes=["en"])
    # A desk editor, who may open the article's settings page.
    DeskAssignment.objects.filter(user=moderator).update(role=Role.EDITOR)
    decided = {"approve": 0, "edit": 0, "reject": 0}
    for n, payload in enumerate(PAYLOADS):
        comment = comment_submit(
            url=thread_url, author=payload[:60], body=f"{payload}\n{payload}",
            title=PAYLOADS[0] + " " + PAYLOADS[1],
            commenter_token=secrets.token_urlsafe(16),
        )
        action = ("approve", "edit", "reject", "pending")[n % 4]
        if action == "approve":
            comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")
        elif action in ("edit", "reject"):
            comment_decide(
                comment_id=comment.pk, moderator=moderator, action=action, clause=1,
                note=payload, body=f"{payload} (edited)" if action == "edit" else None,
            )
        if action in decided:
            decided[action] += 1
    thread = Thread.objects.get(site=site)
    return {"site": site, "url": thread.url, "thread": thread, "moderator": moderator,
            "decided": decided, "commenter": comment.commenter_id}


def test_a_bidi_override_is_refused_rather_than_shown(site):
    with pytest.raises(InvalidInput):
        comment_submit(url="https://news.example.org/a", author="\u202eevil", body="x",
                       commenter_token=secrets.token_urlsafe(16))


class Watch:
    """Dialogs and requests to third parties, for one page."""

    def __init__(self, page, allowed: tuple[str, ...]):
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        page.add_init_script(INIT_SCRIPT)
        page.on("dialog", self._dialog)
        page.on("request", lambda r: r.url.startswith((*allowed, "data:", "about:"))
                or self.foreign.append(r.url))

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def assert_clean(self, page, where: str) -> None:
        page.wait_for_timeout(150)  # let onload/onerror/autofocus handlers fire
        for frame in page.frames:
            hits = frame.evaluate("window.__xssHits || []")
            assert hits == [], f"{where}: script from payload(s) {hits} ran in {frame.url}"
        assert self.dialogs == [], f"{where}: dialogs {self.dialogs}"
        assert self.foreign == [], f"{where}: requests to third parties {self.foreign}"


def visit(page, watch: Watch, url: str, where: str) -> str:
    response = page.goto(url)
    assert response is not None and response.status == 200, (where, response and response.status)
    watch.assert_clean(page, where)
    return page.locator("body").inner_text()


def test_no_payload_runs_on_any_page(hostile, live_server, publisher, browser):
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(page, (live_server.url, publisher.origin))
    try:
        # The detector works: on a page without our policy and escaping, it fires.
        page.goto(f"{publisher.origin}/control")
        page.set_content("<img src=x onerror=xss(99)>")
        page.wait_for_function("window.__xssHits.length > 0")
        assert page.evaluate("window.__xssHits") == [99]

        query = urlencode({"url": hostile["url"]})

        text = visit(page, watch, f"{live_server.url}/embed/thread?{query}", "thread page")
        for n in range(0, len(PAYLOADS), 4):  # the approved ones
            assert PAYLOADS[n].strip("\u200e\u200f\u2028\u2029") in text, PAYLOADS[n]

        text = visit(page, watch, f"{live_server.url}/terms/{hostile['site'].pk}?{query}",
                     "terms page")
        assert "Terms" in text

        # The moderator, whose own name is a payload, logs in through the form.
        moderator = hostile["moderator"]
        page.goto(f"{live_server.url}/moderate/login/")
        page.get_by_label("User name").fill(moderator.username)
        page.get_by_label("Password").fill(moderator.raw_password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/moderate/")
        watch.assert_clean(page, "queue after login")
        assert moderator.username in page.locator("body").inner_text()

        for status in ("pending", "approved", "rejected"):
            text = visit(page, watch, f"{live_server.url}/moderate/?status={status}",
                         f"queue {status}")
            assert "xss(" in text, f"queue {status} shows the payloads as text"
        visit(page, watch, f"{live_server.url}/moderate/articles/{hostile['thread'].pk}/",
              "article page")
        visit(page, watch, f"{live_server.url}/moderate/commenters/{hostile['commenter']}/",
              "commenter page")
        visit(page, watch, f"{live_server.url}/moderate/figures/", "figures page")
        visit(page, watch, f"{live_server.url}/moderate/account/", "account page")

        # The widget on the publisher's page: a new thread whose title is a
        # payload, and the published thread full of them.
        publisher.attributes = {"data-url": hostile["url"], "data-title": PAYLOADS[2]}
        page.goto(f"{publisher.origin}/widget-page")
        page.get_by_text("<script>xss(1)</script>").first.wait_for(timeout=10_000)
        watch.assert_clean(page, "widget")
        fresh = f"{publisher.origin}/fresh/article"
        publisher.attributes = {"data-url": fresh, "data-title": PAYLOADS[0]}
        page.goto(f"{publisher.origin}/fresh/article")
        page.wait_for_load_state("networkidle")
        watch.assert_clean(page, "widget on a new thread")
    finally:
        context.close()
