"""The widget and the no-JS page laid out at a phone's and a desktop's width, in a
left-to-right and a right-to-left (Uyghur) desk, with everything a reader may
open: published comments (a reply, an edit), their own comments and decisions, a
report form, the question before personal information is sent. Nothing may stick
out of the window; the screenshots (var/screenshots/) are for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tribune.comments.models import Comment
from tribune.core.testing import make_published, make_site
from tribune.embed.testing import HostSite
from tribune.moderation.decisions import comment_decide

from .test_parity import Surface

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

TEXT = {
    "en": ("Earlier", "The library lost 14,000 books; volunteers saved 3,000 more.",
           "Mina", "Thank you for the figures.", "Call me on 010-1234-5678 about this"),
    "ug": ("ئابدۇرېھىم", "بۇ ماقالە ناھايىتى ياخشى يېزىلىپتۇ.\nرەھمەت!",
           "ئەركىن", "مەن بۇ ماقالىنى ئوقۇدۇم.", "تېلېفونۇم 010-1234-5678"),
}


def overflowing(page, selector: str, width: int) -> list[str]:
    """Elements under ``selector`` (shadow roots included) that leave the window."""
    return page.evaluate("""([selector, width]) => {
        const out = [];
        const walk = (node) => {
            for (const el of node.querySelectorAll('*')) {
                const box = el.getBoundingClientRect();
                if (box.width && (box.left < -0.5 || box.right > width + 0.5))
                    out.push(el.tagName + '.' + el.className + ' ' + box.left + '..' + box.right);
                if (el.shadowRoot) walk(el.shadowRoot);
            }
        };
        walk(document.querySelector(selector));
        return out;
    }""", [selector, width])


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("desk", ["en", "ug"])
@pytest.mark.parametrize("kind", ["widget", "nojs"])
def test_every_part_fits_the_window(kind, desk, width, live_server, request, screenshots):
    host = HostSite(live_server.url)
    make_site(origin=host.origin, name="Host News", desk_code=desk)
    page = request.getfixturevalue("page" if kind == "widget" else "nojs_page")
    page.set_viewport_size({"width": width, "height": 900})
    surface = Surface(kind, page, host, live_server.url, language=desk)
    author, body, mine, reply, personal = TEXT[desk]
    first = make_published(url=surface.article, author=author, body=body)
    make_published(url=surface.article, author=mine, body=reply, parent=first.pk)
    edited = make_published(url=surface.article, author="Gulnar", body="x " * 40)
    comment_decide(comment_id=edited.pk, moderator=None, action="edit", clause=2,
                   body="A long word: " + "ئابدۇرېھىم" * 12)
    try:
        surface.open()
        surface.write(author=mine, body=reply + "\n" + body)
        surface.send()
        expect(surface.own()).to_be_visible()
        comment_decide(comment_id=Comment.objects.latest("pk").pk, moderator=None,
                       action="reject", clause=3)
        surface.open()
        surface.action(surface.say("Report the comment by %(name)s") % {"name": author}
                       ).click()
        if kind == "nojs":  # the report form is a page of its own
            page.screenshot(path=screenshots / f"{kind}-{desk}-{width}-report.png",
                            full_page=True)
            assert overflowing(page, "body", width) == []
            surface.open()
        else:
            expect(surface.root.locator(".trb-report")).to_be_visible()
        root = "body"
        assert overflowing(page, root, width) == []
        page.screenshot(path=screenshots / f"{kind}-{desk}-{width}-thread.png", full_page=True)

        surface.write(author=mine, body=personal)
        surface.send()
        expect(surface.warning()).to_be_visible()
        assert overflowing(page, root, width) == []
        page.screenshot(path=screenshots / f"{kind}-{desk}-{width}-question.png",
                        full_page=True)
        if desk == "ug":
            direction = (surface.root.get_attribute("dir") if kind == "widget"
                         else page.locator("html").get_attribute("dir"))
            assert direction == "rtl"
    finally:
        host.close()
