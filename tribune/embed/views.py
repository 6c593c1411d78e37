"""The configuration the widget reads for an article (the desk's language,
direction and interface strings).

The script and stylesheet, ``/embed.js`` and ``/embed.css``, are files of this
app that WhiteNoise serves (:mod:`tribune.embed.static`); nothing is fetched from
anywhere else.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from tribune.core.errors import TribuneError
from tribune.core.text import NAME_MAX
from tribune.moderation.models import ReportReason
from tribune.moderation.reports import REPORT_TEXT_MAX
from tribune.notifications.services import EMAIL_MAX
from tribune.sites.models import Clause
from tribune.threads.language import ref_desk
from tribune.threads.services import article_resolve

from .strings import widget_strings

CONFIG_CACHE_CONTROL = "public, max-age=300"


def _error(error: TribuneError) -> JsonResponse:
    detail = {"code": error.code, "message": error.message}
    if error.field:
        detail["field"] = error.field
    return JsonResponse({"error": detail}, status=error.status)


@require_http_methods(["GET", "HEAD"])
def config(request: HttpRequest) -> JsonResponse:
    """What the widget needs besides the comments: the language, direction and
    strings of the article's desk (the thread's, else ``?desk=``, else the site's
    default), the site's name, clause titles, report reasons, limits and links."""
    try:
        ref = article_resolve(url=request.GET.get("url", ""))
    except TribuneError as error:
        return _error(error)
    desk = ref_desk(ref, desk_code=request.GET.get("desk"))
    base = request.build_absolute_uri("/").rstrip("/")
    query = urlencode({"url": ref.url})
    with translation.override(desk.language):
        data = {
            "url": ref.url,
            "desk": desk.code,
            "lang": desk.language,
            "dir": desk.direction,
            "site": ref.site.name,
            "page": f"{base}{reverse('reader:thread')}?{query}",
            "terms": f"{base}{reverse('reader:terms', args=[ref.site.pk])}?{query}",
            "fonts": f"{base}{static('reader/fonts/fonts.css')}",
            "limits": {"author": NAME_MAX, "body": ref.site.body_max_length,
                       "report": REPORT_TEXT_MAX, "email": EMAIL_MAX},
            # Value and label of each reason a reader may give for a report.
            "report_reasons": [[value, str(label)] for value, label in ReportReason.choices],
            "clauses": {
                str(number): translation.gettext(title)
                for number, title in Clause.objects.filter(site=ref.site)
                .order_by("number").values_list("number", "title")
            },
            "strings": widget_strings(),
        }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = CONFIG_CACHE_CONTROL
    response["Content-Language"] = desk.language
    return response
