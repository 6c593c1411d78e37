"""The workspace beyond the core loop: undo, bulk, reports, bans, article
settings, filters, figures and moderators — through services, pages and API."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tribune.actions.decide import decisions_make_bulk
from tribune.actions.submit import comment_submit
from tribune.comments.models import Comment, Status
from tribune.core.errors import Conflict, PermissionDenied
from tribune.core.testing import make_comment, make_moderator, make_published, make_site
from tribune.moderation.bans import ban_create, ban_lift
from tribune.moderation.decisions import comment_decide
from tribune.moderation.diff import word_diff
from tribune.moderation.figures import figures_for, percentile
from tribune.moderation.models import Action, Ban, Decision, Report, Role
from tribune.moderation.moderators import moderator_create
from tribune.moderation.reports import report_create
from tribune.moderation.selectors import QueueFilter, queue_counts, queue_page
from tribune.moderation.undo import decision_undo_last
from tribune.threads.models import Thread
from tribune.threads.services import site_auto_close_set

URL = "https://news.example.org/2026/11/article"


def public(url: str = URL) -> dict:
    response = Client().get("/api/v1/comments", {"url": url})
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def desk_client(moderator) -> Client:
    client = Client()
    client.force_login(moderator)
    return client


@pytest.fixture
def editor(site):
    user = make_moderator(name="editor", desk_codes=["en"])
    from tribune.moderation.models import DeskAssignment

    DeskAssignment.objects.filter(user=user).update(role=Role.EDITOR)
    return user


# Undo ---------------------------------------------------------------------------


def test_undo_restores_the_state_before_with_a_new_audit_row(site, moderator):
    comment = make_comment(body="First words")
    comment_decide(comment_id=comment.pk, moderator=moderator, action="edit",
                   body="Edited words", clause=2)
    assert public()["comments"][0]["body"] == "Edited words"
    restored = decision_undo_last(moderator=moderator)
    assert restored.status == Status.PENDING and restored.edited_body is None
    assert restored.decision_clause is None
    assert public()["comments"] == []
    actions = list(Decision.objects.filter(comment=comment).values_list("action", flat=True))
    assert actions == [Action.EDIT, Action.UNDO]
    undo = Decision.objects.get(action=Action.UNDO)
    assert undo.undoes.action == Action.EDIT and undo.status_after == Status.PENDING


def test_undo_of_a_rejection_brings_back_the_published_edit(site, moderator):
    comment = make_comment(body="Original")
    comment_decide(comment_id=comment.pk, moderator=moderator, action="edit", body="Edit",
                   clause=4)
    comment_decide(comment_id=comment.pk, moderator=moderator, action="reject", clause=3)
    restored = decision_undo_last(moderator=moderator)
    assert (restored.status, restored.edited_body, restored.decision_clause) == (
        Status.APPROVED, "Edit", 4)
    assert public()["comments"][0]["body"] == "Edit"
    with pytest.raises(Conflict):  # only one step back
        decision_undo_last(moderator=moderator)


def test_only_ones_own_recent_latest_decision_can_be_undone(site, moderator, settings):
    colleague = make_moderator(name="colleague", desk_codes=["en"])
    comment = make_comment()
    comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")
    with pytest.raises(Conflict):
        comment_decide(comment_id=comment.pk, moderator=colleague, action="undo")
    settings.TRIBUNE_UNDO_SECONDS = 0
    with pytest.raises(Conflict):
        decision_undo_last(moderator=moderator)
    assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED


def test_undo_from_the_queue_page(site, moderator, desk_client):
    comment = make_comment(body="Oops approved")
    desk_client.post(f"/moderate/comments/{comment.pk}/decide", {"action": "approve"})
    html = desk_client.get("/moderate/").content.decode()
    assert 'id="undo-form"' in html
    response = desk_client.post("/moderate/decisions/undo", {"status": "pending"})
    assert response.status_code == 303
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    assert "is undone" in desk_client.get(response["Location"]).content.decode()


# Bulk ---------------------------------------------------------------------------


def test_bulk_decisions_decide_each_and_report_refusals(site, moderator, desk_client):
    make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")
    mine = [make_comment(body=f"bulk {n}") for n in range(3)]
    other = make_comment(url="https://ko.example.org/a", body="not mine")
    response = desk_client.post("/moderate/decisions/bulk", {
        "ids": [c.pk for c in mine] + [other.pk], "action": "approve", "status": "pending"})
    assert response.status_code == 303
    assert set(Comment.objects.filter(pk__in=[c.pk for c in mine])
               .values_list("status", flat=True)) == {Status.APPROVED}
    assert Comment.objects.get(pk=other.pk).status == Status.PENDING
    html = desk_client.get(response["Location"]).content.decode()
    assert "3 comments approved and published." in html
    assert f"Comment {other.pk} was not decided" in html


def test_bulk_reject_needs_a_clause_and_limits(site, moderator):
    comments = [make_comment(body=f"b{n}") for n in range(2)]
    with pytest.raises(Exception, match="clause"):
        decisions_make_bulk(comment_ids=[c.pk for c in comments], moderator=moderator,
                             action="reject")
    with pytest.raises(Exception, match="at most"):
        decisions_make_bulk(comment_ids=list(range(1, 300)), moderator=moderator,
                             action="approve")
    outcome = decisions_make_bulk(comment_ids=[c.pk for c in comments], moderator=moderator,
                                   action="reject", clause=5)
    assert len(outcome.decided) == 2 and not outcome.refused


# Reports ------------------------------------------------------------------------


def test_a_reader_reports_without_javascript_and_the_moderator_keeps_it(
    site, moderator, desk_client
):
    comment = make_published(moderator, body="Questionable claim")
    reader = Client()
    thread_page = reader.get("/embed/thread", {"url": URL}).content.decode()
    assert f'href="/embed/report?comment={comment.pk}"' in thread_page
    form = reader.get("/embed/report", {"comment": comment.pk})
    assert form.status_code == 200 and "Questionable claim" in form.content.decode()
    response = reader.post("/embed/report", {"comment": comment.pk, "reason": "false",
                                             "text": "No source given"})
    assert response.status_code == 303
    assert "Thank you" in reader.get(response["Location"]).content.decode()
    # Twice from the same network counts once.
    reader.post("/embed/report", {"comment": comment.pk, "reason": "false"})
    assert Report.objects.count() == 1

    assert queue_counts(user=moderator)["reported"] == 1
    html = desk_client.get("/moderate/", {"status": "reported"}).content.decode()
    assert "No source given" in html and "Keep (dismiss reports)" in html
    response = desk_client.post(f"/moderate/comments/{comment.pk}/keep", {"status": "reported"})
    assert response.status_code == 303
    report = Report.objects.get()
    assert (report.resolution, report.resolved_by) == ("kept", moderator)
    assert Comment.objects.get(pk=comment.pk).status == Status.APPROVED
    assert queue_counts(user=moderator)["reported"] == 0


def test_removing_a_reported_comment_is_a_rejection_with_a_clause(site, moderator, api):
    comment = make_published(moderator, body="Spam spam")
    response = Client().post(f"/api/v1/comments/{comment.pk}/reports",
                             {"reason": "spam"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "received"
    queue = api.get("/api/v1/moderation/queue", {"status": "reported"}).json()
    assert [c["id"] for c in queue["comments"]] == [comment.pk]
    assert queue["comments"][0]["reports"] == 1
    response = api.post(f"/api/v1/moderation/comments/{comment.pk}/decision",
                        {"action": "reject", "clause": 5}, content_type="application/json")
    assert response.status_code == 200
    assert Report.objects.get().resolution == "removed"
    assert public()["comments"] == []


@pytest.mark.parametrize("payload", [{"reason": "nope"}, {"reason": "spam", "text": "\x00"},
                                     {"reason": "spam", "text": "x" * 600}, {}])
def test_bad_reports_are_refused(site, moderator, payload):
    comment = make_published(moderator)
    response = Client().post(f"/api/v1/comments/{comment.pk}/reports", payload,
                             content_type="application/json")
    assert response.status_code == 400


def test_only_published_comments_can_be_reported(site):
    pending = make_comment()
    response = Client().post(f"/api/v1/comments/{pending.pk}/reports", {"reason": "spam"},
                             content_type="application/json")
    assert response.status_code == 404
    assert Client().get("/embed/report", {"comment": pending.pk}).status_code == 404
    assert Client().get("/embed/report", {"comment": "x'"}).status_code == 404


# Bans ---------------------------------------------------------------------------


def submit(token: str, network: str = "", body: str = "Hello again") -> Comment:
    return comment_submit(url=URL, author="Troll", body=body, commenter_token=token,
                          network_hash=network)


def test_a_ban_refuses_the_commenter_not_their_network(site, editor, settings):
    token = secrets.token_urlsafe(16)
    first = submit(token, network="a" * 64)
    ban = ban_create(actor=editor, commenter_id=first.commenter_id, desk_code="en")
    with pytest.raises(PermissionDenied) as refused:
        submit(token, network="a" * 64)
    assert refused.value.code == "banned" and "barred" in refused.value.message
    # Another reader on the same network (a Tor exit, a VPN, an office) is not
    # punished for the troll (issue #15): restricting a network is its own action.
    assert submit(secrets.token_urlsafe(16), network="a" * 64).status == Status.PENDING
    ban_lift(actor=editor, ban_id=ban.pk)
    submit(token)


def test_a_suspension_says_until_when_and_ends(site, editor):
    token = secrets.token_urlsafe(16)
    first = submit(token)
    ban = ban_create(actor=editor, commenter_id=first.commenter_id, desk_code="en", days=7)
    with pytest.raises(PermissionDenied, match="until"):
        submit(token)
    Ban.objects.filter(pk=ban.pk).update(until=timezone.now() - dt.timedelta(seconds=1))
    submit(token)


def test_a_ban_on_one_desk_leaves_the_others(site, editor, admin):
    make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")
    token = secrets.token_urlsafe(16)
    first = submit(token)
    ban_create(actor=editor, commenter_id=first.commenter_id, desk_code="en")
    comment_submit(url="https://ko.example.org/a", author="T", body="fine here",
                   commenter_token=token)
    with pytest.raises(PermissionDenied):  # only administrators ban everywhere
        ban_create(actor=editor, commenter_id=first.commenter_id, desk_code=None)
    ban_create(actor=admin, commenter_id=first.commenter_id, desk_code=None)
    with pytest.raises(PermissionDenied):
        comment_submit(url="https://ko.example.org/a", author="T", body="now not",
                       commenter_token=token)


def test_the_reader_form_shows_the_ban(site, editor):
    reader = Client()
    reader.post("/embed/thread", {"url": URL, "author": "Troll", "body": "first"})
    comment = Comment.objects.get()
    admin_client = Client()
    admin_client.force_login(editor)
    response = admin_client.post(f"/moderate/commenters/{comment.commenter_id}/ban",
                                 {"desk": "en", "length": "1", "reason": "abuse"})
    assert response.status_code == 303
    page = admin_client.get(response["Location"]).content.decode()
    assert "Suspended until" in page and "abuse" in page
    response = reader.post("/embed/thread", {"url": URL, "author": "Troll", "body": "again"})
    assert response.status_code == 403
    assert "suspended you from commenting here until" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_moderator_who_is_not_an_editor_cannot_ban(site, moderator, desk_client):
    comment = make_comment()
    response = desk_client.post(f"/moderate/commenters/{comment.commenter_id}/ban",
                                {"desk": "en", "length": ""})
    assert response.status_code == 403
    assert not Ban.objects.exists()


# Article settings ---------------------------------------------------------------


def test_an_editor_closes_an_article_and_sets_post_moderation(site, editor):
    comment = make_published(editor)
    client = Client()
    client.force_login(editor)
    thread = comment.thread
    response = client.post(f"/moderate/articles/{thread.pk}/",
                           {"is_open": "0", "moderation": "pre", "closes_at": ""})
    assert response.status_code == 303
    assert public()["thread"]["open"] is False
    with pytest.raises(PermissionDenied):
        make_comment()
    client.post(f"/moderate/articles/{thread.pk}/", {"is_open": "1", "moderation": "post"})
    assert public()["thread"]["moderation"] == "post"
    assert make_comment(body="at once").status == Status.APPROVED


def test_articles_close_by_themselves_after_the_sites_default(site, admin):
    site_auto_close_set(site_id=site.pk, days=3)
    comment = make_comment()
    thread = Thread.objects.get(pk=comment.thread_id)
    assert thread.closes_at is not None
    Thread.objects.filter(pk=thread.pk).update(closes_at=timezone.now() - dt.timedelta(1))
    with pytest.raises(PermissionDenied):
        make_comment()
    assert Thread.objects.get(pk=thread.pk).is_open is False
    assert public()["thread"]["open"] is False


# Filters and search -------------------------------------------------------------


def test_filters_search_and_order(site, moderator, desk_client):
    make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")
    both = make_moderator(name="both", desk_codes=["en", "ko"])
    a = make_comment(body="Floods in the valley", author="Dorje")
    b = make_comment(url="https://news.example.org/other", body="Election night", author="Min")
    c = make_comment(url="https://ko.example.org/k", body="홍수 소식", author="지민")
    ids = lambda **kw: [x.pk for x in queue_page(user=both, filters=QueueFilter(**kw))]  # noqa: E731
    assert ids() == [a.pk, b.pk, c.pk]
    assert ids(order="newest") == [c.pk, b.pk, a.pk]
    assert ids(desk="ko") == [c.pk]
    assert ids(language="ko") == [c.pk]
    assert ids(article=b.thread_id) == [b.pk]
    assert ids(q="flood") == [a.pk]
    assert ids(q="dorje") == [a.pk]
    assert ids(q="홍수") == [c.pk]
    today = timezone.now().date()
    assert ids(since=today + dt.timedelta(1)) == []
    assert ids(until=today) == [a.pk, b.pk, c.pk]
    assert ids(status="all") == [a.pk, b.pk, c.pk]
    # Pages and forms keep the filters.
    html = desk_client.get("/moderate/", {"q": "flood"}).content.decode()
    assert "Floods in the valley" in html and "Election night" not in html
    assert '<input type="hidden" name="q" value="flood">' in html
    response = desk_client.post(f"/moderate/comments/{a.pk}/decide",
                                {"action": "approve", "status": "pending", "q": "flood"})
    assert response["Location"] == "/moderate/?status=pending&q=flood"


@pytest.mark.parametrize("query", [{"desk": "bad code!"}, {"since": "2026-13-45"},
                                   {"language": "<script>"}, {"order": "random"},
                                   {"article": "x"}, {"q": "a\x00b"}])
def test_bad_filters_are_a_400_not_a_500(site, desk_client, query):
    assert desk_client.get("/moderate/", query).status_code == 400


def test_the_queue_page_costs_the_same_number_of_queries_however_many_cards(
    site, moderator, desk_client
):
    make_comment(body="one")
    with CaptureQueriesContext(connection) as few:
        desk_client.get("/moderate/")
    for n in range(20):
        make_comment(body=f"more {n}", token=f"token-{n % 4}",
                     url=f"https://news.example.org/a{n % 3}")
    report_create(comment_id=make_published(moderator).pk, reason="spam")
    with CaptureQueriesContext(connection) as many:
        desk_client.get("/moderate/", {"status": "all"})
    assert len(many) <= len(few) + 1


def test_commenter_history_is_beside_each_card_and_on_its_page(site, moderator, desk_client):
    token = secrets.token_urlsafe(16)
    old = make_comment(body="Earlier rant", token=token)
    comment_decide(comment_id=old.pk, moderator=moderator, action="reject", clause=3)
    make_comment(body="New one", token=token)
    html = desk_client.get("/moderate/").content.decode()
    assert "Commenter's record: 2 comments, 0 published, 1 rejected" in html
    assert "Earlier rant" in html
    page = desk_client.get(f"/moderate/commenters/{old.commenter_id}/").content.decode()
    assert "Earlier rant" in page and "New one" in page


# Figures ------------------------------------------------------------------------


def test_figures_count_the_queue_waits_and_decisions(site, moderator, admin):
    comments = [make_comment(body=f"f{n}") for n in range(4)]
    Comment.objects.filter(pk=comments[0].pk).update(
        submitted_at=timezone.now() - dt.timedelta(hours=2))
    comment_decide(comment_id=comments[0].pk, moderator=moderator, action="approve")
    comment_decide(comment_id=comments[1].pk, moderator=moderator, action="reject", clause=1)
    comment_decide(comment_id=comments[2].pk, moderator=admin, action="approve")
    figures = figures_for(user=moderator)
    assert figures.queue_size[-1] == 1
    assert figures.per_moderator == {"admin": [0] * 13 + [1], "moderator": [0] * 13 + [2]}
    assert figures.approval == [("en", figures.approval[0][1], 2, 3)]
    assert figures.p90_wait[-1] >= 7000 and figures.median_wait[-1] < 100
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    client = Client()
    client.force_login(moderator)
    html = client.get("/moderate/figures/").content.decode()
    assert html.count("<svg class=\"chart\"") == 4
    assert "<table class=\"data\">" in html and "Approval rate per desk" in html


# Moderators ---------------------------------------------------------------------


def test_an_administrator_creates_and_changes_moderators(site, admin):
    make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")
    client = Client()
    client.force_login(admin)
    assert client.get("/moderate/moderators/").status_code == 200
    response = client.post("/moderate/moderators/", {
        "name": "suji", "password": "a-long-enough-password", "role-ko": "editor"})
    assert response.status_code == 303
    from tribune.moderation.models import DeskAssignment

    suji = DeskAssignment.objects.get(user__username="suji")
    assert (suji.desk.code, suji.role) == ("ko", "editor")
    response = client.post(f"/moderate/moderators/{suji.user_id}",
                           {"role-en": "moderator", "active": "on"})
    assert response.status_code == 303
    assert sorted(DeskAssignment.objects.filter(user_id=suji.user_id)
                  .values_list("desk__code", "role")) == [("en", "moderator")]
    response = client.post(f"/moderate/moderators/{admin.pk}", {"active": "on"})
    assert "You cannot remove your own administrator role" in client.get(
        "/moderate/moderators/").content.decode()


def test_only_administrators_manage_moderators(site, moderator, desk_client):
    assert desk_client.get("/moderate/moderators/").status_code == 403
    response = desk_client.post("/moderate/moderators/", {"name": "x", "password": "y" * 12,
                                                          "admin": "on"})
    assert response.status_code == 403
    with pytest.raises(Exception, match="role"):
        moderator_create(name="z", password="z" * 12, desk_codes=["en"], role="boss")


def test_word_diff_rebuilds_both_texts():
    before, after = "Call her on 555 0100 for the story.", "Call her for the story, please."
    parts = word_diff(before, after)
    assert "".join(t for op, t in parts if op != "+") == before
    assert "".join(t for op, t in parts if op != "-") == after
    assert ("-", "on 555 0100 ") in parts or any(op == "-" and "555" in t for op, t in parts)


def test_api_openapi_lists_the_workspace_endpoints(db):
    paths = json.loads(Client().get("/api/v1/openapi.json").content)["paths"]
    for path in ("/api/v1/moderation/decisions", "/api/v1/moderation/undo",
                 "/api/v1/comments/{comment_id}/reports",
                 "/api/v1/moderation/commenters/{commenter_id}/bans",
                 "/api/v1/moderation/threads/{thread_id}"):
        assert path in paths


def test_the_workspace_and_the_report_page_speak_korean(site, moderator, desk_client):
    make_site(origin="https://ko.example.org", desk_code="ko", name="Korean")
    make_comment(body="A comment.")
    html = desk_client.get("/moderate/", headers={"Accept-Language": "ko"}).content.decode()
    assert '<html lang="ko"' in html
    for text in ("댓글 대기열", "대기", "신고됨", "승인", "거부…", "키보드 단축키", "필터와 검색"):
        assert text in html
    figures = desk_client.get("/moderate/figures/", headers={"Accept-Language": "ko"})
    assert "데스크별 승인율" in figures.content.decode()
    korean = make_published(None, url="https://ko.example.org/2026/k", body="좋은 기사")
    page = Client().get("/embed/report", {"comment": korean.pk}).content.decode()
    assert "댓글 신고" in page and "스팸 또는 광고" in page
    thread = Client().get("/embed/thread", {"url": "https://ko.example.org/2026/k"})
    assert ">신고</a>" in thread.content.decode()
