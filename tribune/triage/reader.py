"""The reader's side of triage: the page that asks before personal information
is sent (for the no-JavaScript form of :mod:`tribune.reader.views`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .personal_check import personal_information_reason
from .selectors import PI_NAMES

CONFIRM_FIELD = "confirm_personal_information"
EDIT_FIELD = "edit_comment"
# Fields never carried over from the first post: the CSRF token is rendered
# afresh, and the two buttons are the reader's new choice.
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD, EDIT_FIELD}


def confirmation_page(
    request: HttpRequest, *, kinds: list[str], body: str, page_lang: str, page_dir: str,
    thread_href: str,
) -> HttpResponse:
    """A 200 page with one sentence on why it matters, the text as it would be
    published, and two buttons: send anyway, or go back and edit. Every field of
    the first post is carried over unchanged as a hidden field."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in _NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    return render(request, "triage/confirm_personal_information.html", {
        "page_lang": page_lang,
        "page_dir": page_dir,
        "reason": personal_information_reason(),
        "kinds": [str(PI_NAMES.get(k, k)) for k in kinds],
        "body": body,
        "carried": carried,
        "confirm_field": CONFIRM_FIELD,
        "edit_field": EDIT_FIELD,
        # Back to the form itself, also in a publisher's frame (reader/frame.js).
        "action": request.get_full_path() + "#comment-form",
        "thread_href": thread_href,
    })
