"""One rule for the language of everything about a thread: its desk's, whatever the
browser asks for (tribune.threads.language). Each surface is asked over HTTP by
a browser that wants another language, or sends a hostile Accept-Language."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import Client

from tribune.core import testing as factories

KO_ARTICLE = "https://ko.example.org/2026/12/gisa"
EN_ARTICLE = "https://news.example.org/2026/12/story"
# What a browser may send: another language, nonsense, a flood, a wildcard.
ACCEPT_LANGUAGES = ("en-US,en;q=0.9", "ug", "*", "xx-!!;q=abc, ;;", "en;q=1," * 400,
                    "zh-Hans-CN,zh;q=0.8,ko;q=0.1")
ACCEPT_IDS = ("english", "uyghur", "wildcard", "nonsense", "flood", "chinese-first")
# Korean catalogue entries (tribune/locale/ko), and the English they translate.
EMPTY_KO, EMPTY_EN = "이 항목은 비워 둘 수 없습니다.", "This field cannot be empty."
COMMENT_KO = "댓글"
WRONG_TYPE_KO, WRONG_TYPE_EN = "이 항목의 형식이 잘못되었습니다.", "This field has the wrong type."
THANKS_KO = "감사합니다. 댓글은 게시되기 전에 모더레이터가 읽습니다."


@pytest.fixture
def ko_site(db):
    return factories.make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")


def _post_json(client: Client, payload: object, accept: str):
    return client.post("/api/v1/comments", json.dumps(payload), content_type="application/json",
                       headers={"Accept-Language": accept})


@pytest.mark.parametrize("accept", ACCEPT_LANGUAGES, ids=ACCEPT_IDS)
def test_no_js_form_errors_are_in_the_desks_language(ko_site, accept):
    client = Client()
    response = client.post("/embed/thread", {"url": KO_ARTICLE, "author": "독자", "body": "  "},
                           headers={"Accept-Language": accept})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{COMMENT_KO}: {EMPTY_KO}" in page  # the error summary, label and message
    assert EMPTY_EN not in page and "Your comment was not sent" not in page
    assert response["Content-Language"] == "ko" and '<html lang="ko" dir="ltr">' in page
    # The text the reader typed is kept.
    assert 'value="독자"' in page


def test_a_refused_article_address_falls_back_to_the_browser(ko_site):
    # No desk can be known for an address outside every site: the browser decides.
    response = Client().get("/embed/thread", {"url": "https://elsewhere.example.com/a"},
                            headers={"Accept-Language": "ko"})
    assert response.status_code == 404 and response["Content-Language"] == "ko"


@pytest.mark.parametrize("accept", ACCEPT_LANGUAGES[:3], ids=ACCEPT_IDS[:3])
def test_api_answers_and_refusals_for_a_thread_are_in_its_desks_language(ko_site, accept):
    client = Client()
    refused = _post_json(client, {"url": KO_ARTICLE, "author": "독자", "body": ""}, accept)
    assert refused.status_code == 400 and refused["Content-Language"] == "ko"
    assert refused.json()["error"]["message"] == EMPTY_KO
    # Refused by the schema, before any service ran: still the article's desk.
    wrong = _post_json(client, {"url": KO_ARTICLE, "author": 5, "body": "안녕하세요"}, accept)
    assert wrong.status_code == 400 and wrong.json()["error"]["message"] == WRONG_TYPE_KO
    accepted = _post_json(client, {"url": KO_ARTICLE, "author": "독자",
                                   "body": "좋은 기사 감사합니다."}, accept)
    assert accepted.status_code == 202 and accepted["Content-Language"] == "ko"
    assert accepted.json()["message"].startswith(THANKS_KO)
    # A refused page cursor on the thread's comments.
    paged = client.get("/api/v1/comments", {"url": KO_ARTICLE, "cursor": "!!"},
                       headers={"Accept-Language": accept})
    assert paged.status_code == 400 and paged["Content-Language"] == "ko"


def test_an_english_desk_answers_in_english_to_a_korean_browser(site):
    client = Client()
    refused = _post_json(client, {"url": EN_ARTICLE, "author": "Reader", "body": ""}, "ko")
    assert refused.json()["error"]["message"] == EMPTY_EN and refused["Content-Language"] == "en"
    wrong = _post_json(client, {"url": EN_ARTICLE, "author": 5, "body": "Hello"}, "ko")
    assert wrong.json()["error"]["message"] == WRONG_TYPE_EN
    page = Client().post("/embed/thread", {"url": EN_ARTICLE, "author": "Reader", "body": ""},
                         headers={"Accept-Language": "ko"}).content.decode()
    assert EMPTY_EN in page and EMPTY_KO not in page


def test_a_new_thread_speaks_the_desk_the_widget_names(site, ko_site):
    # An article of an English-default site embedded by the Korean desk's widget
    # (data-desk="ko"): its first comment's answer, and the widget's strings, are Korean.
    url = "https://news.example.org/2026/12/korean-service"
    client = Client()
    config = client.get("/embed/config", {"url": url, "desk": "ko"},
                        headers={"Accept-Language": "en"})
    assert config.json()["lang"] == "ko" and config["Content-Language"] == "ko"
    assert config.json()["fonts"].endswith("/reader/fonts/fonts.css")
    answer = _post_json(client, {"url": url, "desk": "ko", "author": "독자", "body": ""}, "en")
    assert answer.json()["error"]["message"] == EMPTY_KO


def test_the_report_form_speaks_the_comments_desk(ko_site):
    comment = factories.make_published(url=KO_ARTICLE, author="독자", body="기사 잘 봤습니다.")
    response = Client().post("/embed/report", {"comment": comment.pk, "reason": "nonsense"},
                             headers={"Accept-Language": "en"})
    assert response.status_code == 400 and response["Content-Language"] == "ko"
    assert 'lang="ko"' in response.content.decode()


def test_the_decision_email_is_in_the_desks_language(
        ko_site, settings, django_capture_on_commit_callbacks):
    settings.TRIBUNE_OUTBOX_MODE = "inline"
    moderator = factories.make_moderator(desk_codes=["ko"])
    client = Client()
    sent = _post_json(client, {"url": KO_ARTICLE, "author": "독자", "body": "좋은 기사입니다.",
                               "email": "reader@example.net"}, "en")
    assert sent.status_code == 202
    api = Client(headers={"Authorization": f"Bearer {moderator.token}",
                          "Accept-Language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        decided = api.post(f"/api/v1/moderation/comments/{sent.json()['id']}/decision",
                           {"action": "approve"}, content_type="application/json")
    assert decided.status_code == 200
    [message] = mail.outbox
    assert "Your comment" not in message.subject and "Hello" not in message.body
    assert "독자" in message.body
