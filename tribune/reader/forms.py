"""The comment form of the no-JavaScript thread page.

The form only carries what the reader typed and the messages to show next to
each field. What may be sent is decided by the services; the form asks the same
text rules (:mod:`tribune.core.text`) up front so that a reader who got both the
name and the comment wrong is told about both at once, not one per round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tribune.core.errors import TribuneError
from tribune.core.text import clean_author, clean_body
from tribune.notifications.services import email_clean
from tribune.sites.models import Site

# The fields a service error may name, in the order they appear on the page,
# with the name the error summary gives each, and the element it links to.
FIELDS = ("url", "parent", "author", "body", "email")
_LABELS = {"url": _("Article"), "parent": _("Reply"), "author": _("Display name"),
           "body": _("Comment"), "email": _("E-mail address"), "": _("Comment")}
_ANCHORS = {"url": "comment-form", "parent": "reply-to", "author": "id_author",
            "body": "id_body", "email": "id_email", "": "comment-form"}


@dataclass
class CommentForm:
    """What the reader sent, kept verbatim so that a refused comment is not lost."""

    url: str = ""
    author: str = ""
    body: str = ""
    parent: str = ""
    email: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_post(cls, data: QueryDict) -> CommentForm:
        # A missing field reads as empty: the services then say what is needed,
        # instead of the page failing.
        return cls(
            url=data.get("url", ""),
            author=data.get("author", ""),
            body=data.get("body", ""),
            parent=data.get("parent", "").strip(),
            email=data.get("email", ""),
        )

    def precheck(self, *, site: Site) -> bool:
        """Check the name and the text with the services' own rules; True if both pass."""
        checks = (
            ("author", lambda: clean_author(self.author)),
            ("body", lambda: clean_body(self.body, max_length=site.body_max_length)),
            ("email", lambda: email_clean(self.email)),
        )
        for name, check in checks:
            try:
                check()
            except TribuneError as error:
                self.add_error(error, default_field=name)
        return not self.errors

    def add_error(self, error: TribuneError, *, default_field: str = "") -> None:
        name = error.field if error.field in FIELDS else default_field
        self.errors.setdefault(name, error.message)

    def summary(self) -> list[tuple[str, str, str]]:
        """``(anchor, label, message)`` for the error summary, in page order."""
        ordered = [name for name in (*FIELDS, "") if name in self.errors]
        return [(_ANCHORS[name], str(_LABELS[name]), self.errors[name]) for name in ordered]
