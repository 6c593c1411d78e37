"""The reader's report page, ``/embed/report``: works without JavaScript.

``GET ?comment=ID`` shows the published comment and a form (a reason, an
optional explanation); the form posts back and is answered with a redirect
(POST/redirect/GET) to a thank-you page with the way back to the thread. The
page speaks the language of the comment's desk.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from tribune.actions.report import comment_report, request_keys
from tribune.comments.models import Comment, Status
from tribune.core.errors import NotFound, TribuneError
from tribune.privacy.services import network_hash
from tribune.security.csrf import csrf_token_only

from .models import ReportReason
from .reports import REPORT_TEXT_MAX

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "font-src 'self'; "
       "form-action 'self'; base-uri 'none'")


def _comment(value: object) -> Comment | None:
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return (
        Comment.objects.select_related("thread__desk", "thread__site")
        .filter(pk=int(text), status=Status.APPROVED).first()
    )


def _headers(response: HttpResponse, comment: Comment | None) -> HttpResponse:
    ancestors = ["'self'"]
    if comment is not None:
        ancestors += [o for o in comment.thread.site.origins.values_list("origin", flat=True)
                      if o.isascii() and " " not in o and ";" not in o]
    response["Content-Security-Policy"] = f"{CSP}; frame-ancestors {' '.join(ancestors)}"
    response["Referrer-Policy"] = "no-referrer"  # a reader page: see reader.views
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Sec-Fetch-Dest"])  # framed: reader/base.html's script
    return response


@csrf_token_only
@xframe_options_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """Report a published comment to the moderators."""
    source = request.POST if request.method == "POST" else request.GET
    comment = _comment(source.get("comment"))
    if comment is None:
        response = render(request, "moderation/report.html", {
            "page_lang": translation.get_language(), "page_dir": "ltr", "missing": True,
            "message": _("There is no published comment to report here."),
        }, status=404)
        return _headers(response, None)
    desk = comment.thread.desk
    thread_href = f"{reverse('reader:thread')}?{urlencode({'url': comment.thread.url})}"
    with translation.override(desk.language):
        error = ""
        status = 200
        sent = {"reason": "", "text": ""}
        if request.method == "POST":
            sent = {"reason": str(source.get("reason", "")), "text": str(source.get("text", ""))}
            try:
                comment_report(comment_id=comment.pk, reason=sent["reason"], text=sent["text"],
                               keys=request_keys(request), reporter_hash=network_hash(request))
            except NotFound:
                comment = None
            except TribuneError as refusal:
                error, status = refusal.message, refusal.status
            else:
                location = f"{reverse('reports:report')}?" \
                           f"{urlencode({'comment': comment.pk, 'sent': 1})}"
                return _headers(HttpResponseRedirect(location, status=303), comment)
        response = render(request, "moderation/report.html", {
            "page_lang": desk.language,
            "page_dir": desk.direction,
            "comment": comment,
            "reasons": ReportReason.choices,
            "sent": sent,
            "error": error,
            "done": request.method != "POST" and request.GET.get("sent") == "1",
            "thread_href": thread_href,
            "text_max": REPORT_TEXT_MAX,
        }, status=status)
    response["Content-Language"] = desk.language  # the desk's, never the browser's
    return _headers(response, comment)
