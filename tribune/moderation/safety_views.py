"""The moderator's safety actions beside bans: restricting a network, briefly
and knowingly (:mod:`tribune.moderation.restrictions`), and opening an original
kept in the redaction vault (:mod:`tribune.privacy.vault`). Views parse,
authorise and call services."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tribune.comments.models import Comment
from tribune.core.errors import NotFound, PermissionDenied, TribuneError
from tribune.privacy.vault import originals_kept, originals_open

from .permissions import can_ban_on_desk, moderator_desk_ids
from .restrictions import (
    RESTRICTION_HOURS,
    network_restrict,
    network_restriction_lift,
    network_seen,
    restrictions_of_commenter,
)
from .views import HttpResponseSeeOther, moderator_required
from .workspace import _error


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def network(request: HttpRequest, commenter_id: int) -> HttpResponse:
    """Restrict the networks a commenter wrote from: first how many other
    commenters that would hold back, then the moderator's confirmation."""
    try:
        seen = network_seen(actor=request.user, commenter_id=commenter_id)
    except TribuneError as error:
        return _error(request, error)
    problem, status = "", 200
    if request.method == "POST":
        try:
            made = network_restrict(
                actor=request.user, commenter_id=commenter_id,
                desk_code=request.POST.get("desk", ""), hours=request.POST.get("hours", ""),
                reason=request.POST.get("reason", ""),
                others_seen=request.POST.get("others_seen", ""))
        except TribuneError as error:
            problem, status = error.message, error.status
            seen = network_seen(actor=request.user, commenter_id=commenter_id)
        else:
            messages.success(request, _(
                "The network is restricted on this desk until %(until)s (UTC). The "
                "commenter is not banned by this.") % {
                    "until": made[0].until.strftime("%Y-%m-%d %H:%M")})
            return HttpResponseSeeOther(reverse("moderation:commenter", args=[commenter_id]))
    now = timezone.now()
    return render(request, "moderation/network.html", {
        "seen": seen,
        "hours": RESTRICTION_HOURS,
        "restrictions": [(r, r.lifted_at is None and r.until > now
                          and can_ban_on_desk(request.user, r.desk_id))
                         for r in restrictions_of_commenter(user=request.user,
                                                            commenter_id=commenter_id)],
        "problem": problem,
    }, status=status)


@moderator_required
@require_POST
def network_lift(request: HttpRequest, restriction_id: int) -> HttpResponse:
    try:
        lifted = network_restriction_lift(actor=request.user, restriction_id=restriction_id)
    except TribuneError as error:
        return _error(request, error)
    messages.success(request, _("The network restriction is lifted."))
    return HttpResponseSeeOther(reverse("moderation:network", args=[lifted.commenter_id]))


@never_cache
@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def original(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment's originals in the redaction vault: desk editors and
    administrators open them with a POST, and each opening is recorded."""
    desks = moderator_desk_ids(request.user)
    comment = Comment.objects.select_related("thread__desk").filter(pk=comment_id).first()
    if comment is None or desks is not None and comment.thread.desk_id not in desks:
        return _error(request, NotFound(_("There is no comment %(id)s.") % {"id": comment_id}))
    if not can_ban_on_desk(request.user, comment.thread.desk_id):
        return _error(request, PermissionDenied(
            _("Only a desk editor of this desk or an administrator may read a removed "
              "original.")))
    kept = originals_kept(comment_id=comment.pk)
    opened = None
    if request.method == "POST":
        opened = originals_open(comment_id=comment.pk, reader=request.user)
    return render(request, "moderation/original.html", {
        "comment": comment, "kept": kept, "opened": opened,
    })

