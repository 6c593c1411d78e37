"""The rest of the moderator's workspace: a commenter's record and bans, an
article's settings, the moderators (administrators), the figures, and the
reader's report page. Views parse, authorise and call services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tribune.actions.ban import ban_end, commenter_ban
from tribune.actions.thread_settings import thread_settings_update
from tribune.comments.models import Comment, Commenter
from tribune.core.errors import PermissionDenied, TribuneError
from tribune.privacy.vault import originals_kept_among
from tribune.sites.models import Desk
from tribune.threads.models import ModerationMode, Thread
from tribune.threads.services import site_auto_close_set

from . import charts
from .bans import ban_in_force, bans_of_commenter
from .figures import figures_for
from .forms import BanForm, ModeratorForm, SiteSettingsForm, ThreadSettingsForm, desk_roles_from
from .models import DeskAssignment, Role
from .moderators import moderator_create, moderator_update
from .notes import notes_for
from .permissions import (
    can_edit_desk,
    can_keep_notes,
    can_see_desk,
    comments_visible_to,
    editor_desk_ids,
)
from .selectors import decisions_latest
from .views import HttpResponseSeeOther, moderator_required

COMMENTER_SHOWN = 100


def _error(request: HttpRequest, error: TribuneError) -> HttpResponse:
    titles = {403: _("Not allowed"), 404: _("Not found")}
    return render(request, "moderation/error.html", {
        "title": titles.get(error.status, _("Not done")), "message": error.message,
    }, status=error.status)


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "moderation/error.html",
                  {"title": _("Not found"), "message": message}, status=404)


# --- Commenters and bans ----------------------------------------------------------


def _commenter_page(request: HttpRequest, commenter_id: int, *, form: BanForm | None = None,
                    status: int = 200, problem: str = "") -> HttpResponse:
    user = request.user
    comments = list(
        comments_visible_to(user).filter(commenter_id=commenter_id)
        .select_related("thread__desk").order_by("-submitted_at", "-id")[:COMMENTER_SHOWN]
    )
    commenter = Commenter.objects.filter(pk=commenter_id).first()
    if commenter is None or not comments:
        return _not_found(request, _("There is no commenter %(id)s.") % {"id": commenter_id})
    decisions = decisions_latest(comment_ids=[c.pk for c in comments])
    bans = bans_of_commenter(user=user, commenter_id=commenter_id)
    editable = editor_desk_ids(user)
    desk_ids = {c.thread.desk_id for c in comments}
    ban_desks = [d for d in Desk.objects.filter(pk__in=desk_ids)
                 if editable is None or d.pk in editable]
    visible = comments_visible_to(user).filter(commenter_id=commenter_id)
    return render(request, "moderation/commenter.html", {
        "commenter": commenter,
        "rows": [(c, decisions.get(c.pk)) for c in comments],
        "counts": {
            "total": visible.count(),
            "approved": visible.filter(status="approved").count(),
            "rejected": visible.filter(status="rejected").count(),
            "pending": visible.filter(status="pending").count(),
        },
        "bans": [(b, ban_in_force(b), b.desk_id is None and user.is_superuser
                  or b.desk_id is not None and can_edit_desk(user, b.desk_id)) for b in bans],
        "ban_desks": ban_desks,
        "can_ban_everywhere": user.is_superuser,
        "form": form or BanForm(initial={"length": "7"}),
        "kept_originals": originals_kept_among(comment_ids=[c.pk for c in comments]),
        "notes": notes_for(user=user, commenter_ids=[commenter_id],
                           withdrawn=True)[commenter_id],
        "note_desks": [d for d in Desk.objects.filter(pk__in=desk_ids).order_by("code")
                       if can_keep_notes(user, d.pk)],
        "problem": problem,
    }, status=status)


@moderator_required
@require_safe
def commenter(request: HttpRequest, commenter_id: int) -> HttpResponse:
    """A commenter's comments on the moderator's desks, with the decisions and bans."""
    return _commenter_page(request, commenter_id)


@moderator_required
@require_POST
def ban(request: HttpRequest, commenter_id: int) -> HttpResponse:
    """Ban or suspend a commenter (desk editors and administrators)."""
    form = BanForm(request.POST)
    if not form.is_valid():
        return _commenter_page(request, commenter_id, form=form, status=400,
                               problem=_("Check the ban's fields."))
    data = form.cleaned_data
    try:
        made = commenter_ban(actor=request.user, commenter_id=commenter_id,
                             desk_code=data["desk"] or None, days=data["length"] or None,
                             reason=data["reason"])
    except TribuneError as error:
        if error.status == 404:
            return _error(request, error)
        return _commenter_page(request, commenter_id, form=form, status=error.status,
                               problem=error.message)
    if made.until is None:
        messages.success(request, _("The commenter is banned."))
    else:
        messages.success(request, _("The commenter is suspended until %(until)s (UTC).")
                         % {"until": made.until.strftime("%Y-%m-%d %H:%M")})
    return HttpResponseSeeOther(reverse("moderation:commenter", args=[commenter_id]))


@moderator_required
@require_POST
def lift(request: HttpRequest, ban_id: int) -> HttpResponse:
    try:
        lifted = ban_end(actor=request.user, ban_id=ban_id)
    except TribuneError as error:
        return _error(request, error)
    messages.success(request, _("The ban is lifted."))
    return HttpResponseSeeOther(reverse("moderation:commenter", args=[lifted.commenter_id]))


# --- Article settings -----------------------------------------------------------


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def article(request: HttpRequest, thread_id: int) -> HttpResponse:
    """An article's settings: open or closed, pre- or post-moderation, closing time.
    Desk editors of its desk and administrators change them."""
    thread = Thread.objects.select_related("desk", "site").filter(pk=thread_id).first()
    user = request.user
    if thread is None or not can_see_desk(user, thread.desk_id):
        return _not_found(request, _("There is no article %(id)s.") % {"id": thread_id})
    if not can_edit_desk(user, thread.desk_id):
        return _error(request, PermissionDenied(
            _("Only a desk editor or an administrator changes an article's settings.")))
    status = 200
    problem = ""
    if request.method == "POST":
        form = ThreadSettingsForm(request.POST)
        if form.is_valid():
            closes = form.cleaned_data["closes_at"]
            try:
                thread_settings_update(
                    actor=user, thread_id=thread.pk, is_open=form.cleaned_data["is_open"],
                    moderation=form.cleaned_data["moderation"], closes_at=closes,
                )
            except TribuneError as error:
                problem, status = error.message, error.status
            else:
                messages.success(request, _("The article's settings are saved."))
                return HttpResponseSeeOther(reverse("moderation:article", args=[thread.pk]))
        else:
            problem, status = _("Check the settings."), 400
    else:
        form = ThreadSettingsForm(initial={
            "is_open": "1" if thread.is_open else "0", "moderation": thread.moderation,
            "closes_at": timezone.localtime(thread.closes_at).strftime("%Y-%m-%dT%H:%M")
            if thread.closes_at else "",
        })
    counts = dict(Comment.objects.filter(thread=thread).order_by().values_list("status")
                  .annotate(n=Count("id")))
    return render(request, "moderation/article.html", {
        "thread": thread, "form": form, "problem": problem, "counts": counts,
        "modes": ModerationMode.choices,
        "site_form": SiteSettingsForm(initial={"auto_close_days": thread.site.auto_close_days}),
        "is_admin": user.is_superuser,
    }, status=status)


@moderator_required
@require_POST
def site_settings(request: HttpRequest, site_id: int) -> HttpResponse:
    """The site's default automatic closing (administrators)."""
    if not request.user.is_superuser:
        return _error(request, PermissionDenied(_("Only an administrator changes a site's "
                                                  "defaults.")))
    form = SiteSettingsForm(request.POST)
    back = request.POST.get("thread", "")
    try:
        if not form.is_valid():
            raise PermissionDenied(_("Automatic closing is after 1 to 3650 days."))
        site_auto_close_set(site_id=site_id, days=form.cleaned_data["auto_close_days"])
    except TribuneError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The site's default is saved; it applies to new articles."))
    target = reverse("moderation:queue")
    if back.isdigit():
        target = reverse("moderation:article", args=[int(back)])
    return HttpResponseSeeOther(target)


# --- Moderators (administrators) ----------------------------------------------


def _admin_only(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_superuser:
        return _error(request, PermissionDenied(
            _("Only an administrator manages moderators.")))
    return None


def _moderators_page(request: HttpRequest, *, form: ModeratorForm | None = None,
                     problem: str = "", status: int = 200, roles: dict | None = None):
    users = list(get_user_model().objects.filter(is_staff=True).order_by("username"))
    assignments: dict[int, list[DeskAssignment]] = {}
    for a in DeskAssignment.objects.select_related("desk").order_by("desk__code"):
        assignments.setdefault(a.user_id, []).append(a)
    desks = list(Desk.objects.order_by("code"))
    return render(request, "moderation/moderators.html", {
        "nav": "moderators",
        "rows": [(u, {a.desk.code: a.role for a in assignments.get(u.pk, [])}) for u in users],
        "desks": desks, "roles": Role.choices, "chosen": roles or {},
        "form": form or ModeratorForm(initial={"active": True}),
        "problem": problem,
    }, status=status)


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def moderators(request: HttpRequest) -> HttpResponse:
    """Every moderator with their desks and roles; a form to add one."""
    refused = _admin_only(request)
    if refused:
        return refused
    if request.method != "POST":
        return _moderators_page(request)
    form = ModeratorForm(request.POST)
    desks = list(Desk.objects.values_list("code", flat=True))
    roles = desk_roles_from(request.POST, desks)
    if not form.is_valid():
        return _moderators_page(request, form=form, roles=roles, status=400,
                                problem=_("Check the fields."))
    data = form.cleaned_data
    try:
        # One role per account at creation; each desk's role can then be changed.
        editor_codes = [c for c, r in roles.items() if r == Role.EDITOR]
        user = moderator_create(
            name=data["name"], password=data["password"], desk_codes=list(roles),
            admin=data["admin"], role=Role.MODERATOR,
        )
        if editor_codes:
            DeskAssignment.objects.filter(user=user, desk__code__in=editor_codes).update(
                role=Role.EDITOR)
    except TribuneError as error:
        return _moderators_page(request, form=form, roles=roles, status=error.status,
                                problem=error.message)
    messages.success(request, _("Moderator %(name)s is created.") % {"name": user.username})
    return HttpResponseSeeOther(reverse("moderation:moderators"))


@moderator_required
@require_POST
def moderator_change(request: HttpRequest, user_id: int) -> HttpResponse:
    refused = _admin_only(request)
    if refused:
        return refused
    desks = list(Desk.objects.values_list("code", flat=True))
    try:
        changed = moderator_update(
            actor=request.user, user_id=user_id, desk_roles=desk_roles_from(request.POST, desks),
            admin=request.POST.get("admin") == "on", active=request.POST.get("active") == "on",
        )
    except TribuneError as error:
        if error.status == 404:
            return _error(request, error)
        messages.error(request, error.message)
    else:
        messages.success(request, _("Moderator %(name)s is saved.") % {"name": changed.username})
    return HttpResponseSeeOther(reverse("moderation:moderators"))


# --- Figures --------------------------------------------------------------------


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 3600:
        return _("%(n)s min") % {"n": round(seconds / 60)}
    return _("%(n)s h") % {"n": round(seconds / 3600, 1)}


@moderator_required
@require_safe
def figures(request: HttpRequest) -> HttpResponse:
    """Queue size, waiting times, decisions per moderator, approval per desk."""
    data = figures_for(user=request.user)
    labels = [d.strftime("%m-%d") for d in data.days]
    waits = [v / 3600 if v is not None else None for v in data.median_wait]
    p90 = [v / 3600 if v is not None else None for v in data.p90_wait]
    moderators = sorted(data.per_moderator)
    context = {
        "nav": "figures",
        "figures": data,
        "rows": [
            {"day": d, "queue": data.queue_size[i], "median": _duration(data.median_wait[i]),
             "p90": _duration(data.p90_wait[i]),
             "per": [data.per_moderator[m][i] for m in moderators]}
            for i, d in enumerate(data.days)
        ],
        "moderators": moderators,
        "queue_chart": charts.line_chart(
            chart_id="chart-queue", title=_("Queue size at the end of each day"),
            description=_("Comments waiting for a decision, day by day; the last point is now."),
            x_labels=labels, series=[(_("Waiting"), data.queue_size)],
        ),
        "wait_chart": charts.line_chart(
            chart_id="chart-wait", title=_("Time from submission to decision (hours)"),
            description=_("Median and 90th percentile, by day of decision."),
            x_labels=labels, series=[(_("Median"), waits), (_("90th percentile"), p90)],
            fmt=lambda v: f"{v:.1f}",
        ),
        "wait_legend": charts.legend([_("Median"), _("90th percentile")]),
        "moderator_chart": charts.line_chart(
            chart_id="chart-moderators", title=_("Decisions per moderator per day"),
            description=_("One line per moderator."),
            x_labels=labels, series=[(m, data.per_moderator[m]) for m in moderators],
        ),
        "moderator_legend": charts.legend(moderators),
        "approval_chart": charts.bar_chart(
            chart_id="chart-approval", title=_("Approval rate per desk"),
            description=_("Share of first decisions that published the comment."),
            bars=[(f"{name} ({code})", a / t if t else 0, f"{round(100 * a / t) if t else 0} %")
                  for code, name, a, t in data.approval],
        ),
        "approval_rows": [
            {"code": code, "name": name, "approved": a, "total": t,
             "rate": f"{round(100 * a / t) if t else 0} %"}
            for code, name, a, t in data.approval
        ],
    }
    return render(request, "moderation/figures.html", context)

