import pytest

from tribune.comments.models import Comment, Status
from tribune.core.errors import InvalidInput
from tribune.core.testing import make_comment
from tribune.moderation.models import Decision
from tribune.publishing.models import ThreadRender
from tribune.threads.models import ModerationMode, Thread

pytestmark = pytest.mark.django_db


def test_submission_creates_the_thread_on_first_use_with_the_site_desk(site):
    comment = make_comment(url="https://news.example.org/new?utm_medium=x", title="A title")
    thread = Thread.objects.get()
    assert comment.thread == thread
    assert (thread.url, thread.title, thread.desk.code) == (
        "https://news.example.org/new", "A title", "en")
    assert comment.status == Status.PENDING
    assert comment.language == "en"


def test_invalid_title_leaves_no_thread(site):
    with pytest.raises(InvalidInput):
        make_comment(title="bad\x00title")
    assert not Thread.objects.exists()
    assert not Comment.objects.exists()


def test_post_moderated_thread_publishes_on_arrival_with_an_audit_row(site):
    make_comment()
    Thread.objects.update(moderation=ModerationMode.POST)
    comment = make_comment(body="Published at once")
    assert comment.status == Status.APPROVED
    decision = Decision.objects.get(comment=comment)
    assert decision.moderator is None and decision.action == "approve"
    assert ThreadRender.objects.get().count == 1


def test_pre_moderation_never_publishes_by_itself(site):
    for index in range(3):
        make_comment(body=f"Comment {index}")
    assert not Comment.objects.exclude(status=Status.PENDING).exists()
    assert not ThreadRender.objects.exists()


def test_site_body_limit_is_configurable(site):
    site.body_max_length = 10
    site.save()
    with pytest.raises(InvalidInput) as refused:
        make_comment(body="x" * 11)
    assert refused.value.code == "too_long"
    assert make_comment(body="x" * 10).body == "x" * 10


def test_first_comment_makes_the_thread_on_the_pages_desk_with_the_sites_closing_time(site):
    from tribune.sites.services import desk_get_or_create

    desk_get_or_create(code="ko")
    site.auto_close_days = 14
    site.save()
    from tribune.actions.submit import comment_submit

    comment = comment_submit(url="https://news.example.org/ko/1", author="독자", body="첫 댓글",
                             title="기사", desk="ko", commenter_token="t" * 20)
    thread = comment.thread
    assert (thread.desk.code, thread.title, comment.language) == ("ko", "기사", "ko")
    assert thread.closes_at is not None


def test_an_unknown_desk_from_the_page_is_refused_without_trace(site):
    from tribune.actions.submit import comment_submit

    with pytest.raises(InvalidInput) as refused:
        comment_submit(url="https://news.example.org/x", author="A", body="B", desk="zz",
                       commenter_token="t" * 20)
    assert refused.value.code == "unknown_desk"
    assert not Thread.objects.exists() and not Comment.objects.exists()


def test_an_untitled_thread_gains_the_pages_title_but_a_title_is_never_replaced(site):
    make_comment()
    assert Thread.objects.get().title == ""
    make_comment(title="From the page")
    assert Thread.objects.get().title == "From the page"
    make_comment(title="Another title")
    assert Thread.objects.get().title == "From the page"
