"""comment_decide: the one way a comment's status changes."""

import pytest

from tribune.accounts.tokens import token_authenticate
from tribune.comments.models import Status
from tribune.core.errors import Conflict, InvalidInput, NotFound
from tribune.core.testing import make_comment
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Decision
from tribune.moderation.moderators import moderator_create
from tribune.publishing.models import ThreadRender

pytestmark = pytest.mark.django_db


def test_every_decision_writes_exactly_one_audit_row(site, moderator):
    comment = make_comment(body="Original")
    comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")
    comment_decide(comment_id=comment.pk, moderator=moderator, action="edit", body="Edited",
                   clause=2)
    comment_decide(comment_id=comment.pk, moderator=moderator, action="reject", clause=5,
                   note="spam after all")
    rows = list(Decision.objects.filter(comment=comment).values_list(
        "action", "status_before", "status_after", "body_before", "body_after", "clause"))
    assert rows == [
        ("approve", "pending", "approved", "Original", "Original", None),
        ("edit", "approved", "approved", "Original", "Edited", 2),
        ("reject", "approved", "rejected", "Edited", "Edited", 5),
    ]


def test_a_refused_decision_changes_nothing(site, moderator):
    comment = make_comment()
    with pytest.raises(InvalidInput):
        comment_decide(comment_id=comment.pk, moderator=moderator, action="edit", body="x" * 4000,
                       clause=1)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING and comment.edited_body is None
    assert not Decision.objects.exists()
    assert not ThreadRender.objects.exists()


def test_render_follows_the_published_set(site, moderator):
    comment = make_comment()
    comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")
    assert ThreadRender.objects.get().count == 1
    comment_decide(comment_id=comment.pk, moderator=moderator, action="reject", clause=1)
    assert ThreadRender.objects.get().count == 0


def test_reject_twice_is_a_conflict(site, moderator):
    comment = make_comment()
    comment_decide(comment_id=comment.pk, moderator=moderator, action="reject", clause=1)
    with pytest.raises(Conflict):
        comment_decide(comment_id=comment.pk, moderator=moderator, action="reject", clause=1)


def test_other_desk_is_not_found(site, rtl_site, moderator):
    comment = make_comment(url="https://uy.example.org/a")
    with pytest.raises(NotFound):
        comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")


def test_moderator_create_validates(site):
    with pytest.raises(InvalidInput):
        moderator_create(name="a", password="short", desk_codes=["en"])
    with pytest.raises(InvalidInput):
        moderator_create(name="a", password="a-long-enough-password", desk_codes=["xx"])
    with pytest.raises(InvalidInput):
        moderator_create(name="a", password="a-long-enough-password", desk_codes=[])


def test_tokens_are_stored_hashed(site, moderator):
    from tribune.accounts.models import ApiToken

    stored = ApiToken.objects.get(user=moderator)
    assert moderator.token not in (stored.key_hash, stored.prefix)
    assert token_authenticate(moderator.token) == moderator
    assert token_authenticate(moderator.token + "x") is None


def test_a_comment_held_for_a_senior_is_decided_only_by_one(site, moderator, admin):
    from tribune.core.errors import PermissionDenied
    from tribune.core.testing import make_moderator
    from tribune.triage.models import CommentTriage
    from tribune.triage.policy import policy_set
    from tribune.triage.seniors import senior_set

    policy_set(site=site, hold_threshold=1, reject_threshold=None, reject_clause=None)
    comment = make_comment(body="YOU ARE ALL IDIOTS!!! IDIOTS!!! http://spam.example/buy")
    assert CommentTriage.objects.get(comment=comment).held

    with pytest.raises(PermissionDenied) as refused:
        comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")
    assert refused.value.code == "held"
    comment.refresh_from_db()
    assert comment.status == Status.PENDING and not Decision.objects.exists()

    senior = make_moderator(name="senior", desk_codes=["en"])
    senior_set(name="senior")
    senior = type(senior).objects.get(pk=senior.pk)  # permissions are cached per object
    comment_decide(comment_id=comment.pk, moderator=senior, action="reject", clause=3)
    comment_decide(comment_id=comment.pk, moderator=admin, action="approve")
    assert Decision.objects.filter(comment=comment).count() == 2
