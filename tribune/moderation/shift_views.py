"""The night shift's own workspace actions: notes on commenters, featured
comments, and a desk's standing rule and idle timeout. Views parse, authorise
(through the services, which ask tribune.moderation.permissions) and call."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from tribune.actions.decide import BULK_MAX, decisions_make_bulk
from tribune.comments.models import Status
from tribune.core.errors import NotFound, TribuneError
from tribune.sites.models import Desk

from .featured import comment_feature
from .notes import note_add, note_withdraw
from .permissions import can_see_desk, can_set_standing, comments_visible_to
from .standing import desk_standing_set, trusted_only
from .views import HttpResponseSeeOther, _by_script, moderator_required


def _back(request: HttpRequest, default: str) -> str:
    target = str(request.POST.get("next", ""))
    if target.startswith("/moderate/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _error_page(request: HttpRequest, error: TribuneError) -> HttpResponse:
    titles = {403: _("Not allowed"), 404: _("Not found")}
    return render(request, "moderation/error.html", {
        "title": titles.get(error.status, _("Not done")), "message": error.message,
    }, status=error.status)


@moderator_required
@require_POST
def note_create(request: HttpRequest, commenter_id: int) -> HttpResponse:
    """Write a note on a commenter (for the moderators of the chosen desk)."""
    back = _back(request, reverse("moderation:commenter", args=[commenter_id]))
    try:
        note_add(actor=request.user, commenter_id=commenter_id,
                 desk_code=request.POST.get("desk", ""), body=request.POST.get("body", ""))
    except TribuneError as error:
        if error.status == 404:
            return _error_page(request, error)
        messages.error(request, error.message)
        return HttpResponseSeeOther(back)
    messages.success(request, _("The note is saved for the desk's moderators."))
    return HttpResponseSeeOther(back)


@moderator_required
@require_POST
def note_remove(request: HttpRequest, note_id: int) -> HttpResponse:
    try:
        note = note_withdraw(actor=request.user, note_id=note_id)
    except TribuneError as error:
        return _error_page(request, error)
    messages.success(request, _("The note is withdrawn; the audit keeps it."))
    return HttpResponseSeeOther(_back(request, reverse("moderation:commenter",
                                                       args=[note.commenter_id])))


@moderator_required
@require_POST
def feature(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Feature a published comment (``featured=1``) or take the feature back."""
    featured = request.POST.get("featured", "1") == "1"
    back = _back(request, reverse("moderation:queue") + "?status=approved")
    try:
        comment_feature(comment_id=comment_id, moderator=request.user, featured=featured)
    except TribuneError as error:
        if _by_script(request):
            return JsonResponse({"error": error.message}, status=error.status)
        if error.status == 404:
            return _error_page(request, error)
        messages.error(request, error.message)
        return HttpResponseSeeOther(back)
    message = (_("Comment %(id)s is featured: it comes first under its article.")
               if featured else _("Comment %(id)s is no longer featured.")) % {"id": comment_id}
    if _by_script(request):
        return JsonResponse({"message": message})
    messages.success(request, message)
    return HttpResponseSeeOther(back)


@moderator_required
@require_POST
def trusted_approve(request: HttpRequest) -> HttpResponse:
    """Approve every comment waiting in the trusted queue of the moderator's
    desks (at most BULK_MAX at a time): each one still a decision of its own,
    in the audit under the moderator's name."""
    desk = str(request.POST.get("desk", ""))
    comments = trusted_only(comments_visible_to(request.user))
    if desk:
        comments = comments.filter(thread__desk__code=desk)
    ids = list(comments.order_by("submitted_at", "id").values_list("pk", flat=True)[:BULK_MAX])
    back = reverse("moderation:queue") + "?status=trusted"
    if not ids:
        messages.error(request, _("No trusted commenter's comment is waiting."))
        return HttpResponseSeeOther(back)
    outcome = decisions_make_bulk(comment_ids=ids, moderator=request.user, action="approve")
    messages.success(request, ngettext(
        "%(count)s comment of a trusted commenter approved and published.",
        "%(count)s comments of trusted commenters approved and published.",
        len(outcome.decided)) % {"count": len(outcome.decided)})
    for comment_id, message in outcome.refused.items():
        messages.error(request, _("Comment %(id)s was not decided: %(message)s")
                       % {"id": comment_id, "message": message})
    return HttpResponseSeeOther(back)


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def desk_settings(request: HttpRequest, code: str) -> HttpResponse:
    """A desk's standing rule (trusted commenters) and its idle timeout."""
    desk = Desk.objects.filter(code=code.lower()).first()
    if desk is None or not can_see_desk(request.user, desk.pk):
        return _error_page(request, NotFound(_("There is no desk %(code)s.") % {"code": code}))
    status, problem = 200, ""
    values = {"trusted_after": desk.trusted_after or "", "idle_minutes": desk.idle_minutes or ""}
    if request.method == "POST":
        values = {key: str(request.POST.get(key, "")).strip() for key in values}
        try:
            desk_standing_set(actor=request.user, desk_code=desk.code, **values)
        except TribuneError as error:
            status, problem = error.status, error.message
        else:
            messages.success(request, _("The desk's settings are saved."))
            return HttpResponseSeeOther(reverse("moderation:desk", args=[desk.code]))
    trusted = trusted_only(comments_visible_to(request.user).filter(thread__desk=desk))
    return render(request, "moderation/desk.html", {
        "desk": desk, "values": values, "problem": problem,
        "can_change": can_set_standing(request.user, desk.pk),
        "trusted_waiting": trusted.count(),
        "pending": comments_visible_to(request.user).filter(
            thread__desk=desk, status=Status.PENDING).count(),
    }, status=status)
