"""The moderator's web path at /moderate/: log in, read the queue, decide.

Views parse, authorise and call :func:`~tribune.moderation.services.comment_decide`;
the rules are the service's. Everything works without JavaScript: a decision is a
plain form that posts, then is sent back (303) to the same tab and page with a
message. A refused decision re-shows the queue with the refusal on the comment's
card and what the moderator typed kept, under the refusal's own status (400, 404,
409). No moderator page may be cached anywhere (``Cache-Control: no-store``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseRedirectBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from tribune.comments.models import Comment, Status
from tribune.core.errors import TribuneError
from tribune.sites.models import Clause

from .forms import DecisionForm, ModeratorLoginForm, QueueFilterForm
from .models import Action, Decision
from .selectors import (
    QUEUE_PAGE,
    clauses_for_sites,
    decisions_latest,
    moderator_desks,
    queue_counts,
    queue_page,
)
from .services import NOTE_MAX, comment_decide

TABS = (
    (Status.PENDING, gettext_lazy("Pending")),
    (Status.APPROVED, gettext_lazy("Approved")),
    (Status.REJECTED, gettext_lazy("Rejected")),
)

# The decisions that make sense for a comment in each status (the service
# refuses approving what is published and rejecting what is rejected).
ACTIONS_BY_STATUS = {
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


class LoginView(auth_views.LoginView):
    template_name = "moderation/login.html"
    authentication_form = ModeratorLoginForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        # Django refuses (with an error) to send a logged-in user back to the
        # login page itself; a ?next= pointing here is sent to the queue instead.
        url = super().get_success_url()
        return reverse("moderation:queue") if url == self.request.path else url


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule): a link or an image cannot log a moderator out."""


def queue_url(status: str, after: int | None = None) -> str:
    query = {"status": status}
    if after is not None:
        query["after"] = after
    return f"{reverse('moderation:queue')}?{urlencode(query)}"


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
    if refusal is not None and refusal.comment_id == comment.pk:
        card.error = refusal.message
        if refusal.action in ("reject", "edit"):
            card.open = refusal.action
            getattr(card, refusal.action).update(
                {key: refusal.sent.get(key, "") for key in getattr(card, refusal.action)}
            )
    return card


def queue_response(
    request: HttpRequest, *, status: str, after: int | None, http_status: int = 200,
    problem: str = "", refusal: Refusal | None = None,
) -> HttpResponse:
    # One more than a page tells whether there is a next page.
    comments = queue_page(user=request.user, status=status, after=after, limit=QUEUE_PAGE + 1)
    next_after = comments[QUEUE_PAGE - 1].pk if len(comments) > QUEUE_PAGE else None
    comments = comments[:QUEUE_PAGE]
    clauses = clauses_for_sites(site_ids={c.thread.site_id for c in comments})
    decisions = decisions_latest(comment_ids=[c.pk for c in comments])
    counts = queue_counts(user=request.user)
    context = {
        "status": status,
        "after": after,
        "tabs": [
            {"status": value, "label": label, "count": counts[value],
             "url": queue_url(value), "current": value == status}
            for value, label in TABS
        ],
        "cards": [
            make_card(c, clauses[c.thread.site_id], decisions.get(c.pk), refusal)
            for c in comments
        ],
        "next_url": queue_url(status, next_after) if next_after else "",
        "first_url": queue_url(status) if after is not None else "",
        "desks": moderator_desks(user=request.user),
        "problem": problem,
        "refusal": refusal,
        "note_max": NOTE_MAX,
    }
    return render(request, "moderation/queue.html", context, status=http_status)


@moderator_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """The queue of the moderator's desks: one status, oldest first, 50 a page."""
    filters = QueueFilterForm(request.GET)
    status, after = filters.page()
    if not filters.is_valid():
        return queue_response(
            request, status=status, after=after, http_status=400,
            problem=_("That page of the queue does not exist. "
                      "Here is the first page of pending comments."),
        )
    return queue_response(request, status=status, after=after)


def decided_message(comment: Comment, action: str) -> str:
    values = {"id": comment.pk, "author": comment.author, "clause": comment.decision_clause}
    if action == Action.REJECT:
        return _("Comment %(id)s by %(author)s is rejected under clause %(clause)s.") % values
    if action == Action.EDIT:
        return _(
            "Comment %(id)s by %(author)s is edited under clause %(clause)s and published."
        ) % values
    return _("Comment %(id)s by %(author)s is approved and published.") % values


@moderator_required
@require_POST
def decide(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Approve, reject or edit one comment, then go back to the same tab and page."""
    status, after = QueueFilterForm(request.POST).page()
    form = DecisionForm(request.POST)
    try:
        decision = form.decision()
        comment = comment_decide(comment_id=comment_id, moderator=request.user, **decision)
    except TribuneError as error:
        refusal = Refusal(
            comment_id=comment_id,
            action=str(request.POST.get("action", "")),
            sent={key: str(request.POST.get(key, "")) for key in ("clause", "note", "body")},
            message=error.message,
        )
        return queue_response(
            request, status=status, after=after, http_status=error.status, refusal=refusal,
        )
    messages.success(request, decided_message(comment, decision["action"]))
    return HttpResponseSeeOther(queue_url(status, after))
