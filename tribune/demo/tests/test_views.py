"""The demo newspaper's pages."""

import re
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client

from tribune.demo.content import ARTICLES, ARTICLES_BY_SLUG

pytestmark = pytest.mark.django_db

ORIGIN = "http://127.0.0.1:8000"


@pytest.fixture
def loaded(db):
    call_command("demo", "--password", "demo-password-for-tests", stdout=None)


@pytest.fixture
def browser_client():
    return Client(HTTP_HOST="127.0.0.1:8000")


def assert_self_contained(html: str) -> None:
    # Scripts only from this site: the widget, or the few lines that fit the frame.
    for tag in re.findall(r"<script[^>]*>", html, re.IGNORECASE):
        assert re.match(r'<script src="/(embed\.js|static/demo/fit-frame\.js)"', tag), tag
    # Nothing loaded from elsewhere: every src and stylesheet is on this site.
    for url in re.findall(r'(?:src|href)="([^"]*)"', html):
        assert not url.startswith(("http:", "https:", "//")), url


def test_root_redirects_to_the_demo(browser_client):
    response = browser_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/demo/"


def test_front_page_lists_every_article_in_its_language(loaded, browser_client):
    response = browser_client.get("/demo/")
    html = response.content.decode()
    assert response.status_code == 200
    for article in ARTICLES:
        assert f'href="/demo/articles/{article.slug}"' in html
        assert article.title in html
    assert 'lang="ug" dir="rtl"' in html
    assert "4 comments" in html
    assert_self_contained(html)


def test_article_page_has_its_desk_language_and_the_thread_in_a_frame(loaded, browser_client):
    article = ARTICLES_BY_SLUG["early-apricot-harvest"]
    response = browser_client.get("/demo/articles/early-apricot-harvest")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ug" dir="rtl">' in html
    for paragraph in article.paragraphs:
        assert paragraph in html
    thread_page = "/embed/thread?url=" + quote(f"{ORIGIN}/demo/articles/early-apricot-harvest",
                                               safe="")
    assert f'<iframe id="tribune-comments" class="thread" src="{thread_page}"' in html
    assert f'<a href="{thread_page}">' in html
    assert 'data-embed="iframe"' in html and "shows its comments in an iframe" in html
    assert '<script src="/static/demo/fit-frame.js" defer>' in html
    assert "/embed.js" not in html
    assert_self_contained(html)


def test_article_page_with_the_widget_says_so_and_links_the_other_kind(loaded, browser_client):
    response = browser_client.get("/demo/articles/riverside-library-reopens")
    html = response.content.decode()
    assert response.status_code == 200
    url = f"{ORIGIN}/demo/articles/riverside-library-reopens"
    assert (f'<script src="/embed.js" data-url="{url}" data-title="Riverside library reopens '
            'eight months after the flood" data-desk="en" async></script>') in html
    assert 'data-embed="widget"' in html and "with Tribune’s widget" in html
    assert "<iframe" not in html
    # Without JavaScript: a link to the thread page.
    assert f'<noscript><p class="thread-link"><a href="/embed/thread?url={quote(url, safe="")}"' \
        in html
    # The other kind, in the same desk.
    assert 'href="/demo/articles/night-buses-hospital">See an article with the comments in an ' \
        'iframe</a>' in html
    assert_self_contained(html)


def test_the_demo_shows_both_ways_of_embedding(loaded, browser_client):
    kinds = {a.embed for a in ARTICLES}
    assert kinds == {"widget", "iframe"}
    html = browser_client.get("/demo/").content.decode()
    assert "shown with the widget" in html and "shown in an iframe" in html


def test_article_page_points_at_the_demo_origin_from_another_host_name(loaded):
    html = Client(HTTP_HOST="localhost:8000").get("/demo/articles/solar-water-pumps").content
    assert quote(f"{ORIGIN}/demo/articles/solar-water-pumps", safe="").encode() in html


def test_article_page_before_the_demo_is_loaded_uses_the_browser_origin(browser_client):
    html = browser_client.get("/demo/articles/mountain-school-music").content.decode()
    assert quote(f"{ORIGIN}/demo/articles/mountain-school-music", safe="") in html
    assert '<html lang="zh-hans" dir="ltr">' in html


def test_unknown_article_is_not_found(browser_client):
    assert browser_client.get("/demo/articles/no-such-story").status_code == 404


def test_demo_pages_only_answer_reads(browser_client):
    assert browser_client.post("/demo/").status_code == 405
