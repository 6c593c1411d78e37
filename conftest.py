"""Fixtures shared by every app's tests: factories, API clients and a browser.

Browser tests drive Debian's Chromium through Playwright. Outside CI a machine
without Chromium skips them; in CI (``CI=true``) a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.test import Client

from tribune.core import testing as factories

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the
# tests make beside it are still synchronous, so Django's guard does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def site(db):
    """An English-desk site at https://news.example.org with the default clauses."""
    return factories.make_site()


@pytest.fixture
def rtl_site(db):
    """A Uyghur-desk (right-to-left) site at https://uy.example.org."""
    return factories.make_site(origin="https://uy.example.org", desk_code="ug", name="Uyghur")


@pytest.fixture
def moderator(db, site):
    """A moderator of the site's desk, with an API token (``moderator.token``)."""
    return factories.make_moderator(desk_codes=[site.default_desk.code])


@pytest.fixture
def admin(db):
    return factories.make_moderator(name="admin", desk_codes=[], admin=True)


@pytest.fixture
def reader():
    """A reader's browser-like client (keeps the commenter cookie)."""
    return Client()


@pytest.fixture
def api(moderator):
    """A client that sends the moderator's API token."""
    return Client(headers={"Authorization": f"Bearer {moderator.token}"})


def _chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = _chromium_path()
    if path is None:
        if IN_CI:
            pytest.fail("Chromium is not installed; CI must install Debian's chromium package.")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context with JavaScript on."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def nojs_page(browser):
    """A fresh browser context with JavaScript off (Tor Browser's safest mode)."""
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()
