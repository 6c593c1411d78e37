"""A site's triage policy: from which priority a comment is held for a senior
moderator, and from which it is rejected by the system."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tribune.comments.models import Comment, Status
from tribune.core.errors import InvalidInput
from tribune.sites.models import Site
from tribune.sites.services import clause_get
from tribune.threads.models import ModerationMode

from .models import CommentTriage, Policy


def policy_apply(triage: CommentTriage, policy: Policy | None, comment: Comment) -> bool:
    """Mark ``triage`` held under the site's policy; True if the policy rejects
    the comment (pre-moderated and still pending; never an approval)."""
    if policy is None:
        return False
    if policy.hold_threshold is not None and triage.priority >= policy.hold_threshold:
        triage.held = True
        triage.labels = [*triage.labels, {"code": "held"}]
    reject = (
        policy.reject_threshold is not None
        and triage.priority >= policy.reject_threshold
        and comment.thread.moderation == ModerationMode.PRE
        and comment.status == Status.PENDING
    )
    if reject:
        triage.labels = [*triage.labels, {"code": "auto_rejected"}]
    return reject



def policy_set(
    *, site: Site, hold_threshold: int | None, reject_threshold: int | None,
    reject_clause: int | None,
) -> Policy:
    """Set a site's triage policy; a rejection threshold needs an existing clause."""
    for name, value in (("hold", hold_threshold), ("reject", reject_threshold)):
        if value is not None and not 1 <= value <= 100:
            raise InvalidInput(_("A threshold is a priority from 1 to 100."), field=name)
    if reject_threshold is not None:
        if reject_clause is None:
            raise InvalidInput(_("Automatic rejection needs a clause."), field="clause")
        clause_get(site=site, number=reject_clause)
    policy, _created = Policy.objects.update_or_create(
        site=site, defaults={"hold_threshold": hold_threshold,
                             "reject_threshold": reject_threshold,
                             "reject_clause": reject_clause if reject_threshold else None},
    )
    return policy
