"""The honeypot and the signed timestamp of the no-JavaScript form, with Django's
CSRF checks enforced as in a browser."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
from django.test import Client

from tribune.abuse.forms import form_stamp
from tribune.comments.models import Comment

pytestmark = pytest.mark.django_db

ARTICLE = "https://news.example.org/2026/11/article"
OTHER = "https://news.example.org/2026/11/other"


@pytest.fixture
def browser_like():
    return Client(enforce_csrf_checks=True)


@pytest.fixture(autouse=True)
def human_speed(settings):
    settings.TRIBUNE_FORM_MIN_SECONDS = 3


def form_fields(client: Client, url: str = ARTICLE) -> dict[str, str]:
    page = client.get("/embed/thread", {"url": url}).content.decode()
    form = page[page.index('<form method="post"'):page.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    assert 'name="leave_empty"' in form and "hidden" in form
    return {k: unescape(v) for k, v in fields.items()}


def post(client: Client, fields: dict[str, str], **changes):
    data = {**fields, "author": "Reader", "body": "My comment.", **changes}
    return client.post("/embed/thread", {k: v for k, v in data.items() if v is not None})


def aged(fields: dict[str, str], seconds: float, url: str = ARTICLE) -> dict[str, str]:
    return {**fields, "issued": form_stamp(url=url, now=time.time() - seconds)}


def test_a_person_who_takes_their_time_is_accepted(site, browser_like):
    response = post(browser_like, aged(form_fields(browser_like), 30))
    assert response.status_code == 303
    assert Comment.objects.filter(body="My comment.").exists()


def test_an_expired_form_is_shown_again_with_the_text(site, browser_like, settings):
    response = post(browser_like, aged(form_fields(browser_like), settings.TRIBUNE_FORM_MAX_AGE
                                       + 60), body="Written overnight.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "opened a long time ago" in page and "Written overnight." in page
    assert not Comment.objects.exists()


@pytest.mark.parametrize("tamper", [
    "missing", "altered", "forged", "other_thread", "honeypot",
])
def test_tampering_is_a_400_that_keeps_the_text(site, browser_like, tamper):
    fields = aged(form_fields(browser_like), 30)
    if tamper == "missing":
        fields.pop("issued")
    elif tamper == "altered":
        value, _sep, signature = fields["issued"].rpartition(":")
        fields["issued"] = f"{int(value.split(':')[0]) - 3600}:{value.split(':')[1]}:{signature}"
    elif tamper == "forged":
        fields["issued"] = "1700000000:0123456789abcdef:forgedsignature"
    elif tamper == "other_thread":
        fields = {**fields, "issued": form_stamp(url=OTHER, now=time.time() - 30)}
    elif tamper == "honeypot":
        fields["leave_empty"] = "http://spam.example.com"
    response = post(browser_like, fields, body="Text of a reader.")
    assert response.status_code == 400
    page = response.content.decode()
    assert "the form was changed or is incomplete" in page
    assert "Text of a reader." in page
    assert not Comment.objects.exists()


def test_the_honeypot_is_checked_even_for_the_test_client(site):
    response = Client().post("/embed/thread", {"url": ARTICLE, "author": "Bot", "body": "Buy",
                                               "leave_empty": "x"})
    assert response.status_code == 400
    assert not Comment.objects.exists()
