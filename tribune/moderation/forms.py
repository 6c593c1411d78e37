"""Forms of the moderator's web path.

They only parse what a browser sends. Whether a decision needs a clause, whether
the clause exists or the edited text changed is for
:func:`tribune.moderation.services.comment_decide` to say, so the web page and the
JSON API refuse the same things with the same words.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tribune.comments.models import Status
from tribune.core.errors import InvalidInput
from tribune.core.ids import ID_MAX


class ModeratorLoginForm(AuthenticationForm):
    """Django's login form, for moderators' (staff) accounts only.

    Another account is refused with the same words as a wrong password, so the
    form does not tell which user names exist.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name and password do not match a moderator's account. "
            "Both are case-sensitive."
        ),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise self.get_invalid_login_error()


class QueueFilterForm(forms.Form):
    """Which page of the queue: a status tab and the keyset anchor ``after``.

    Sent as the query string of the queue and, as hidden fields, with every
    decision so that the moderator comes back to where they were.
    """

    status = forms.ChoiceField(choices=Status.choices, required=False)
    after = forms.IntegerField(min_value=1, max_value=ID_MAX, required=False)

    def page(self) -> tuple[str, int | None]:
        """``(status, after)``; the first page of the pending queue when invalid."""
        if not self.is_valid():
            return Status.PENDING, None
        return self.cleaned_data["status"] or Status.PENDING, self.cleaned_data["after"]


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
