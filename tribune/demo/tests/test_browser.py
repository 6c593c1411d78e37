"""The demo's articles in Chromium: the widget on some, the fitted iframe on the
others, each saying which, at a phone's and a desktop's width, left to right and
right to left. Screenshots go to var/screenshots/ for a person to look at."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tribune.demo.content import ARTICLES_BY_SLUG

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def demo(live_server):
    call_command("demo", "--origin", live_server.url, "--password", "demo-browser-password",
                 stdout=None)
    return live_server.url


def frame_fitted(page) -> bool:
    frame = next(f for f in page.frames if "/embed/thread" in f.url)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        inner = frame.evaluate("Math.ceil(document.documentElement.getBoundingClientRect()"
                               ".height)")
        if abs(inner - page.locator("#tribune-comments").evaluate("f => f.clientHeight")) <= 1:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("slug", ["riverside-library-reopens", "solar-water-pumps"])
def test_an_article_with_the_widget(demo, page, slug, width, screenshots):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{demo}/demo/articles/{slug}")
    expect(page.locator("[data-embed=widget]")).to_contain_text("with Tribune’s widget")
    widget = page.locator(".tribune-comments .trb")
    article = ARTICLES_BY_SLUG[slug]
    first = next(c for c in article.comments if c.decision != "pending")
    expect(widget.locator(".trb-comments")).to_contain_text(first.author)
    expect(widget).to_have_attribute("lang", article.desk)
    assert page.locator("iframe").count() == 0
    page.screenshot(path=screenshots / f"demo-widget-{slug}-{width}.png", full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("slug", ["night-buses-hospital", "early-apricot-harvest"])
def test_an_article_with_the_fitted_iframe(demo, page, slug, width, screenshots):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{demo}/demo/articles/{slug}")
    expect(page.locator("[data-embed=iframe]")).to_contain_text("in an iframe")
    page.locator("#tribune-comments").scroll_into_view_if_needed()
    assert frame_fitted(page)
    frame = page.frame_locator("#tribune-comments")
    expect(frame.locator("#comments .comment").first).to_be_visible()
    if ARTICLES_BY_SLUG[slug].desk == "ug":
        expect(frame.locator("html")).to_have_attribute("dir", "rtl")
    page.screenshot(path=screenshots / f"demo-iframe-{slug}-{width}.png", full_page=True)


def test_an_article_with_the_iframe_without_javascript(demo, nojs_page, screenshots):
    page = nojs_page
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{demo}/demo/articles/early-apricot-harvest")
    expect(page.frame_locator("#tribune-comments").locator("#comments .comment").first
           ).to_be_visible()
    page.locator("#tribune-comments").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "demo-iframe-nojs-360.png")
