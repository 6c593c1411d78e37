"""Forms of the moderator's web path.

They only parse what a browser sends. Whether a decision needs a clause, whether
the clause exists or the edited text changed is for
:func:`tribune.moderation.decisions.comment_decide` to say, so the web page and the
JSON API refuse the same things with the same words.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tribune.comments.models import Status
from tribune.core.errors import InvalidInput
from tribune.core.ids import ID_MAX
from tribune.threads.models import ModerationMode

from .selectors import QUEUE_ORDERS, QUEUE_STATUSES, SEARCH_MAX, QueueFilter


class QueueFilterForm(forms.Form):
    """Which page of the queue: a tab, the filters, the order and the keyset
    anchor ``after``.

    Sent as the query string of the queue and, as hidden fields, with every
    decision so that the moderator comes back to where they were.
    """

    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[(s, s) for s in QUEUE_STATUSES],
    )
    desk = forms.SlugField(label=_("Desk"), required=False, max_length=32)
    article = forms.IntegerField(label=_("Article"), min_value=1, max_value=ID_MAX,
                                 required=False)
    language = forms.CharField(label=_("Language"), required=False, max_length=16)
    since = forms.DateField(label=_("From"), required=False)
    until = forms.DateField(label=_("To"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX)
    order = forms.ChoiceField(label=_("Order"), required=False, choices=())
    after = forms.IntegerField(min_value=1, max_value=ID_MAX, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [(k, o.label) for k, o in QUEUE_ORDERS.items()]

    def clean_language(self) -> str:
        value = self.cleaned_data["language"].strip()
        if value and not all(c.isascii() and (c.isalnum() or c == "-") for c in value):
            raise forms.ValidationError(gettext("A language is a code such as ko or zh-hans."))
        return value.lower()

    def clean_q(self) -> str:
        value = self.cleaned_data["q"].strip()
        if any(ord(c) < 32 for c in value):
            raise forms.ValidationError(gettext("The search cannot hold control characters."))
        return value

    def page(self) -> tuple[str, int | None]:
        """``(status, after)``; the first page of the pending queue when invalid."""
        if not self.is_valid():
            return Status.PENDING, None
        return self.cleaned_data["status"] or Status.PENDING, self.cleaned_data["after"]

    def filters(self) -> QueueFilter:
        """The filters asked for; the pending queue, oldest first, when invalid."""
        if not self.is_valid():
            return QueueFilter()
        data = self.cleaned_data
        return QueueFilter(
            status=data["status"] or Status.PENDING,
            desk=(data["desk"] or "").lower(),
            article=data["article"],
            language=data["language"],
            since=data["since"],
            until=data["until"],
            q=data["q"],
            order=data["order"] or "oldest",
        )


def filter_query(filters: QueueFilter, after: int | None = None, **changes) -> dict[str, str]:
    """The query string for a queue page: only what differs from the defaults."""
    values = {
        "status": filters.status, "desk": filters.desk,
        "article": filters.article or "", "language": filters.language,
        "since": filters.since.isoformat() if filters.since else "",
        "until": filters.until.isoformat() if filters.until else "",
        "q": filters.q, "order": "" if filters.order == "oldest" else filters.order,
        "after": after or "",
    }
    values.update(changes)
    return {k: str(v) for k, v in values.items() if v not in ("", None)}


class BulkForm(forms.Form):
    """Several comments decided at once: the checked ids and one decision."""

    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    action = forms.CharField(max_length=16)
    clause = forms.CharField(required=False, max_length=20)
    note = forms.CharField(required=False, strip=False)

    def __init__(self, data, *args, **kwargs) -> None:
        super().__init__(data, *args, **kwargs)
        # Any id is acceptable here; the service checks each one.
        raw = data.getlist("ids") if hasattr(data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in raw]

    def decision(self) -> dict:
        if not self.is_valid():
            name, errors = next(iter(self.errors.items()))
            raise InvalidInput(
                gettext("%(field)s: %(error)s") % {"field": name, "error": errors[0]},
                field=name,
            )
        return dict(self.cleaned_data)


class BanForm(forms.Form):
    desk = forms.CharField(label=_("Desk"), required=False, max_length=32)
    length = forms.ChoiceField(label=_("Length"), choices=(
        ("1", _("1 day")), ("7", _("7 days")), ("30", _("30 days")),
        ("", _("Permanently")),
    ), required=False)
    reason = forms.CharField(label=_("Reason (for the moderators)"), required=False,
                             strip=False, max_length=2000)


class ThreadSettingsForm(forms.Form):
    is_open = forms.TypedChoiceField(
        label=_("Comments"), coerce=lambda v: v == "1",
        choices=(("1", _("Open")), ("0", _("Closed"))),
    )
    moderation = forms.ChoiceField(label=_("Moderation"), choices=ModerationMode.choices)
    closes_at = forms.DateTimeField(
        label=_("Close by itself on (UTC, optional)"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )


class SiteSettingsForm(forms.Form):
    auto_close_days = forms.IntegerField(
        label=_("Close new articles by themselves after (days, empty: never)"),
        required=False, min_value=1, max_value=3650,
    )


class ModeratorForm(forms.Form):
    """An administrator's form for one moderator: desks and roles."""

    name = forms.CharField(label=_("User name"), max_length=150, required=False)
    password = forms.CharField(label=_("Password"), required=False, strip=False,
                               widget=forms.PasswordInput)
    admin = forms.BooleanField(label=_("Administrator (every desk, manages moderators)"),
                               required=False)
    active = forms.BooleanField(label=_("Account active"), required=False, initial=True)


def desk_roles_from(data, desk_codes: list[str]) -> dict[str, str]:
    """``{desk code: role}`` from the ``role-<code>`` selects ("" = not on it)."""
    roles = {}
    for code in desk_codes:
        value = str(data.get(f"role-{code}", "") or "")
        if value:
            roles[code] = value
    return roles


class DecisionForm(forms.Form):
    """One decision on one comment, as a card's form posts it."""

    action = forms.CharField(label=_("Decision"), max_length=16)
    clause = forms.CharField(label=_("Clause"), required=False, max_length=20)
    # Not stripped: the service cleans text the same way for every entry point.
    body = forms.CharField(label=_("Text"), required=False, strip=False)
    note = forms.CharField(label=_("Note"), required=False, strip=False)

    def decision(self) -> dict[str, str]:
        """The arguments for ``comment_decide``, or :class:`InvalidInput` naming the
        first field that could not be read (a tampered or truncated form)."""
        if not self.is_valid():
            name, errors = next(iter(self.errors.items()))
            label = self.fields[name].label if name in self.fields else name
            raise InvalidInput(
                gettext("%(field)s: %(error)s") % {"field": label, "error": errors[0]},
                field=name,
            )
        return dict(self.cleaned_data)
