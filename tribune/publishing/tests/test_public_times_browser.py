"""The widget shows published times as coarsely as the site says, in the desk's
time zone, whatever the reader's browser's zone (issue #15); Chromium."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tribune.actions.site_safety import site_safety_set
from tribune.comments.models import Comment
from tribune.core.testing import make_comment, make_site
from tribune.embed.testing import HostSite
from tribune.moderation.decisions import comment_decide
from tribune.sites.safety import desk_time_zone_set

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

# 20:47 UTC on 6 December: already 7 December in Seoul, still the 6th in New York.
SENT = dt.datetime(2026, 12, 6, 20, 47, 13, tzinfo=dt.UTC)


@pytest.mark.parametrize(("precision", "shown", "hidden"), [
    ("day", "Dec 7, 2026", ["5:47", "20:47", "Dec 6"]),
    ("hour", "5:00", ["5:47", "20:47"]),
])
def test_the_widget_shows_the_sites_precision_in_the_desks_zone(
        live_server, browser, precision, shown, hidden):
    host = HostSite(live_server.url)
    # A reader whose own clock is in New York: the date shown is still Seoul's.
    context = browser.new_context(timezone_id="America/New_York", locale="en-US")
    try:
        site = make_site(origin=host.origin, name="Host News")
        desk_time_zone_set(desk=site.default_desk, time_zone="Asia/Seoul")
        site_safety_set(site=site, public_times=precision)
        article = f"{host.origin}/2026/12/times"
        comment = make_comment(url=article, body="Seoul morning")
        Comment.objects.filter(pk=comment.pk).update(submitted_at=SENT)
        comment_decide(comment_id=comment.pk, moderator=None, action="approve")
        host.attributes = {"data-url": article, "data-title": "Times"}
        page = context.new_page()
        page.goto(article)
        time = page.locator(".tribune-comments .trb .trb-comment time")
        expect(time).to_contain_text(shown)
        for text in hidden:
            expect(time).not_to_contain_text(text)
        if precision == "day":
            expect(time).to_have_attribute("datetime", "2026-12-07")
    finally:
        context.close()
        host.close()
