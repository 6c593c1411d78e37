"""The moderator's web path at /moderate/: log in, read the queue, decide.

Views parse, authorise and call :func:`~tribune.moderation.decisions.comment_decide`;
the rules are the service's. Everything works without JavaScript: a decision is a
plain form that posts, then is sent back (303) to the same tab and page with a
message. A refused decision re-shows the queue with the refusal on the comment's
card and what the moderator typed kept, under the refusal's own status (400, 404,
409). No moderator page may be cached anywhere (``Cache-Control: no-store``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from tribune.accounts.signals import LOGIN_AT, LOGIN_EXACT
from tribune.actions.decide import decision_make, decision_undo, decisions_make_bulk
from tribune.actions.report import report_keep
from tribune.comments.models import Comment, Status
from tribune.core.errors import TribuneError
from tribune.sites.models import Clause, Desk

from .decisions import NOTE_MAX, undo_window
from .diff import word_diff
from .forms import (
    BulkForm,
    DecisionForm,
    QueueFilterForm,
    filter_query,
)
from .layout import card_extras, queue_layout
from .live import cursor_now
from .models import Action, Decision, Report
from .permissions import editor_desk_ids
from .selectors import (
    ALL,
    QUEUE_ORDERS,
    QUEUE_PAGE,
    REPORTED,
    SEARCH_DAYS,
    TRUSTED,
    CommenterHistory,
    QueueFilter,
    clauses_for_sites,
    commenter_histories,
    decisions_latest,
    moderator_desks,
    queue_counts,
    queue_order_default,
    queue_page,
    reports_open,
)
from .undo import decision_undoable

TABS = (
    (Status.PENDING, gettext_lazy("Pending")),
    (TRUSTED, gettext_lazy("Trusted")),
    (REPORTED, gettext_lazy("Reported")),
    (Status.APPROVED, gettext_lazy("Approved")),
    (Status.REJECTED, gettext_lazy("Rejected")),
    (ALL, gettext_lazy("All")),
)

# The decisions that make sense for a comment in each status (the service
# refuses approving what is published and rejecting what is rejected).
ACTIONS_BY_STATUS: dict[str, tuple[str, ...]] = {
    Status.PENDING: (Action.APPROVE, Action.REJECT, Action.EDIT),
    Status.APPROVED: (Action.REJECT, Action.EDIT),
    Status.REJECTED: (Action.APPROVE, Action.EDIT),
}


class HttpResponseSeeOther(HttpResponseRedirectBase):
    """After a POST, the browser fetches the page back with GET, so reloading it
    does not post the decision again."""

    status_code = 303


def moderator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only a logged-in, active staff user gets through; no answer is cached."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            # A POST cannot be replayed after logging in: come back to the queue.
            after_login = (
                request.get_full_path()
                if request.method in ("GET", "HEAD")
                else reverse("moderation:queue")
            )
            return redirect_to_login(after_login)
        if not (user.is_active and user.is_staff):
            return render(
                request,
                "moderation/error.html",
                {"title": _("This is not a moderator's account"),
                 "message": _("Log out and log in with a moderator's account.")},
                status=403,
            )
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or an image cannot log a moderator out."""


def queue_url(status: str | QueueFilter, after: int | None = None) -> str:
    filters = status if isinstance(status, QueueFilter) else QueueFilter(status=status)
    return f"{reverse('moderation:queue')}?{urlencode(filter_query(filters, after))}"


@dataclass(frozen=True)
class Refusal:
    """A decision the service refused, to re-show on its comment's card."""

    comment_id: int
    action: str
    sent: dict[str, str]
    message: str


@dataclass
class Card:
    """A comment as the queue shows it, with what its forms start from."""

    comment: Comment
    clauses: list[tuple[str, str]]
    actions: tuple[str, ...]
    decision: Decision | None = None
    # The clause the comment's current state rests on, as "N. Title".
    clause_label: str = ""
    reject: dict[str, str] = field(default_factory=dict)
    edit: dict[str, str] = field(default_factory=dict)
    error: str = ""
    # Which folded form to show open: "reject", "edit" or "".
    open: str = ""
    reports: list[Report] = field(default_factory=list)
    history: CommenterHistory | None = None
    # The edit as a word diff: [(op, text)], op in "=", "-", "+".
    diff: list[tuple[str, str]] = field(default_factory=list)
    can_edit_desk: bool = False
    # The queue narrowed to this comment's article.
    article_url: str = ""
    reject_options: str = ""
    edit_options: str = ""
    # Triage (and others) may hang more on a card; the card template shows
    # "moderation/_card_extra.html" for each card.
    extra: dict = field(default_factory=dict)


def clause_label(clause: Clause) -> str:
    # Clause titles are written in English and translated for display.
    return _("%(number)s. %(title)s") % {"number": clause.number, "title": _(clause.title)}


def make_card(
    comment: Comment, clauses: list[Clause], decision: Decision | None,
    refusal: Refusal | None,
) -> Card:
    labels = {str(c.number): clause_label(c) for c in clauses}
    card = Card(
        comment=comment,
        clauses=list(labels.items()),
        actions=ACTIONS_BY_STATUS.get(comment.status, ()),
        decision=decision,
        reject={"clause": "", "note": ""},
        edit={"clause": "", "note": "", "body": comment.published_body},
    )
    if comment.decision_clause is not None:
        card.clause_label = labels.get(
            str(comment.decision_clause), str(comment.decision_clause)
        )
    if comment.is_edited:
        card.diff = word_diff(comment.body, comment.edited_body)
    if refusal is not None and refusal.comment_id == comment.pk:
        card.error = refusal.message
        if refusal.action in ("reject", "edit"):
            card.open = refusal.action
            getattr(card, refusal.action).update(
                {key: refusal.sent.get(key, "") for key in getattr(card, refusal.action)}
            )
    card.reject_options = clause_options(card.clauses, card.reject.get("clause", ""))
    card.edit_options = clause_options(card.clauses, card.edit.get("clause", ""))
    return card


def return_fields(filters: QueueFilter, after: int | None) -> list[tuple[str, str]]:
    """Hidden fields that bring the moderator back to the same page after a post."""
    return list(filter_query(filters, after).items())


def clause_options(clauses: list[tuple[str, str]], chosen: str) -> SafeString:
    # Made in Python once per form: a queue page has a hundred of these selects.
    return format_html_join(
        "", '<option value="{}"{}>{}</option>',
        ((number, mark_safe(" selected") if number == chosen else "", label)  # noqa: S308 - a constant
         for number, label in clauses),
    )


def build_cards(
    request: HttpRequest, *, comments: list[Comment], filters: QueueFilter,
    after: int | None, refusal: Refusal | None = None,
) -> list[Card]:
    """The queue's cards for ``comments``, with everything each shows, in a
    fixed number of queries whatever their number."""
    user = request.user
    ids = [c.pk for c in comments]
    clauses = clauses_for_sites(site_ids={c.thread.site_id for c in comments})
    decisions = decisions_latest(comment_ids=ids)
    reports = reports_open(comment_ids=ids)
    histories = commenter_histories(
        user=user, commenter_ids={c.commenter_id for c in comments}, exclude_ids=ids
    )
    editable = editor_desk_ids(user)
    extras = card_extras(user=user, comments=comments)
    cards = []
    for c in comments:
        card = make_card(c, clauses[c.thread.site_id], decisions.get(c.pk), refusal)
        card.reports = reports.get(c.pk, [])
        card.history = histories.get(c.commenter_id)
        card.can_edit_desk = editable is None or c.thread.desk_id in editable
        card.article_url = queue_url(replace(filters, article=c.thread_id))
        card.extra.update(extras.get(c.pk, {}))
        cards.append(card)
    return cards


def session_started(request: HttpRequest):
    """When the moderator logged in (this session): decisions before it are not
    offered as "yours" to undo — the demo, or another person, made them."""

    started = request.session.get(LOGIN_EXACT, request.session.get(LOGIN_AT))
    if not isinstance(started, int | float):
        return timezone.now()
    return dt.datetime.fromtimestamp(started, tz=dt.UTC)


def queue_compact(request: HttpRequest) -> bool:
    """The compact view (the default: eight and more comments a screen) or the
    comfortable one; ``?view=`` switches, and the choice stays for the session."""
    asked = request.GET.get("view")
    if asked in ("compact", "comfortable"):
        request.session["queue_view"] = asked
    return request.session.get("queue_view", "compact") == "compact"


def queue_response(
    request: HttpRequest, *, filters: QueueFilter, after: int | None, http_status: int = 200,
    problem: str = "", refusal: Refusal | None = None,
) -> HttpResponse:
    user = request.user
    # One more than a page tells whether there is a next page.
    comments = queue_page(user=user, filters=filters, after=after, limit=QUEUE_PAGE + 1)
    next_after = comments[QUEUE_PAGE - 1].pk if len(comments) > QUEUE_PAGE else None
    comments = comments[:QUEUE_PAGE]
    counts = queue_counts(user=user, filters=filters)
    cards = build_cards(request, comments=comments, filters=filters, after=after,
                        refusal=refusal)
    all_clauses = sorted({pair for card in cards for pair in card.clauses},
                         key=lambda pair: int(pair[0]))
    undoable = decision_undoable(moderator=user, since=session_started(request))
    desks = moderator_desks(user=user)
    hidden = format_html_join("", '<input type="hidden" name="{}" value="{}">',
                              return_fields(filters, after))
    context = {
        "return_hidden": hidden,
        "nav": "queue",
        "status": filters.status,
        "filters": filters,
        "after": after,
        "return_fields": return_fields(filters, after),
        "tabs": [
            {"status": value, "label": label, "count": counts[value],
             "url": queue_url(replace(filters, status=value)),
             "current": value == filters.status}
            for value, label in TABS
        ],
        "cards": cards,
        "rows": queue_layout(cards, status=filters.status),
        "current_order": filters.order or queue_order_default(),
        "compact": queue_compact(request),
        "live_since": str(cursor_now()),
        "live_query": urlencode(filter_query(filters)),
        "trusted_desks": [d for d in (desks if desks is not None else
                                      Desk.objects.order_by("code")) if d.trusted_after],
        "next_url": queue_url(filters, next_after) if next_after else "",
        "first_url": queue_url(filters) if after is not None else "",
        "desks": desks,
        "desk_choices": desks if desks is not None else list(Desk.objects.order_by("code")),
        "orders": [(key, order.label) for key, order in QUEUE_ORDERS.items()],
        "filtered": any((filters.desk, filters.article, filters.language, filters.since,
                         filters.until, filters.q)),
        "search_days": SEARCH_DAYS,
        "problem": problem,
        "refusal": refusal,
        "note_max": NOTE_MAX,
        "bulk_clauses": all_clauses,
        "undoable": undoable,
        "undo_minutes": max(1, int(undo_window().total_seconds() // 60)),
        "clear_url": queue_url(QueueFilter(status=filters.status, order=filters.order)),
    }
    return render(request, "moderation/queue.html", context, status=http_status)


@moderator_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """The queue of the moderator's desks: one tab, filtered, 50 a page."""
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    after = form.cleaned_data.get("after") if form.is_valid() else None
    if not form.is_valid():
        return queue_response(
            request, filters=filters, after=None, http_status=400,
            problem=_("That page of the queue does not exist. "
                      "Here is the first page of pending comments."),
        )
    return queue_response(request, filters=filters, after=after)


def decided_message(comment: Comment, action: str) -> str:
    values = {"id": comment.pk, "author": comment.author, "clause": comment.decision_clause}
    if action == Action.REJECT:
        return _("Comment %(id)s by %(author)s is rejected under clause %(clause)s.") % values
    if action == Action.EDIT:
        return _(
            "Comment %(id)s by %(author)s is edited under clause %(clause)s and published."
        ) % values
    if action == Action.UNDO:
        return _("Your decision on comment %(id)s by %(author)s is undone.") % values
    return _("Comment %(id)s by %(author)s is approved and published.") % values


def _posted_page(request: HttpRequest) -> tuple[QueueFilter, int | None]:
    form = QueueFilterForm(request.POST)
    filters = form.filters()
    return filters, (form.cleaned_data.get("after") if form.is_valid() else None)


def _by_script(request: HttpRequest) -> bool:
    """The queue's keyboard script posts decisions itself and wants a short JSON
    answer instead of the whole page (the page works the same without it)."""
    return request.headers.get("X-Tribune-Fetch") == "1"


def _script_answer(request: HttpRequest, message: str) -> JsonResponse:
    undoable = decision_undoable(moderator=request.user, since=session_started(request))
    return JsonResponse({
        "message": message,
        "undo": _("Your last decision: comment %(id)s %(action)s. You can undo it for "
                  "%(minutes)s minutes.") % {
            "id": undoable.comment_id, "action": undoable.get_action_display(),
            "minutes": max(1, int(undo_window().total_seconds() // 60))}
        if undoable else "",
    })


@moderator_required
@require_POST
def decide(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Approve, reject or edit one comment, then go back to the same tab and page."""
    filters, after = _posted_page(request)
    form = DecisionForm(request.POST)
    try:
        decision = form.decision()
        comment = decision_make(comment_id=comment_id, moderator=request.user, **decision)
    except TribuneError as error:
        if _by_script(request):
            return JsonResponse({"error": error.message}, status=error.status)
        refusal = Refusal(
            comment_id=comment_id,
            action=str(request.POST.get("action", "")),
            sent={key: str(request.POST.get(key, "")) for key in ("clause", "note", "body")},
            message=error.message,
        )
        return queue_response(
            request, filters=filters, after=after, http_status=error.status, refusal=refusal,
        )
    if _by_script(request):
        return _script_answer(request, decided_message(comment, decision["action"]))
    messages.success(request, decided_message(comment, decision["action"]))
    return HttpResponseSeeOther(queue_url(filters, after))


@moderator_required
@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    """Take back one's own last decision, if it is recent enough."""
    filters, after = _posted_page(request)
    try:
        comment = decision_undo(moderator=request.user, since=session_started(request))
    except TribuneError as error:
        messages.error(request, error.message)
        return HttpResponseSeeOther(queue_url(filters, after))
    messages.success(request, decided_message(comment, Action.UNDO))
    return HttpResponseSeeOther(queue_url(filters, after))


@moderator_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve or reject every checked comment at once."""
    filters, after = _posted_page(request)
    try:
        decision = BulkForm(request.POST).decision()
        outcome = decisions_make_bulk(
            comment_ids=decision["ids"], moderator=request.user, action=decision["action"],
            clause=decision["clause"], note=decision["note"],
        )
    except TribuneError as error:
        messages.error(request, error.message)
        return HttpResponseSeeOther(queue_url(filters, after))
    if outcome.decided:
        if decision["action"] == Action.APPROVE:
            text = ngettext("%(count)s comment approved and published.",
                            "%(count)s comments approved and published.", len(outcome.decided))
        else:
            text = ngettext("%(count)s comment rejected.", "%(count)s comments rejected.",
                            len(outcome.decided))
        messages.success(request, text % {"count": len(outcome.decided)})
    for comment_id, message in outcome.refused.items():
        messages.error(request, _("Comment %(id)s was not decided: %(message)s")
                       % {"id": comment_id, "message": message})
    return HttpResponseSeeOther(queue_url(filters, after))


@moderator_required
@require_POST
def keep(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Keep a reported comment published: its reports are dismissed."""
    filters, after = _posted_page(request)
    try:
        count = report_keep(comment_id=comment_id, moderator=request.user)
    except TribuneError as error:
        if _by_script(request):
            return JsonResponse({"error": error.message}, status=error.status)
        if error.status == 404:
            return render(request, "moderation/error.html", {
                "title": _("No such comment"), "message": error.message}, status=404)
        messages.error(request, error.message)
        return HttpResponseSeeOther(queue_url(filters, after))
    message = ngettext(
        "Comment %(id)s stays published; %(count)s report dismissed.",
        "Comment %(id)s stays published; %(count)s reports dismissed.", count,
    ) % {"id": comment_id, "count": count}
    if _by_script(request):
        return JsonResponse({"message": message, "undo": ""})
    messages.success(request, message)
    return HttpResponseSeeOther(queue_url(filters, after))
