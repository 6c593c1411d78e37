"""Moderator views of triage: decide a whole cluster at once."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tribune.actions.decide import cluster_decide
from tribune.core.errors import TribuneError
from tribune.moderation.views import HttpResponseSeeOther, moderator_required


def _back(request: HttpRequest) -> str:
    target = str(request.POST.get("next", ""))
    if target.startswith(reverse("moderation:queue")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return f"{reverse('moderation:queue')}?order=priority"


@moderator_required
@require_POST
def cluster_decide_view(request: HttpRequest, cluster_id: int) -> HttpResponse:
    """Approve or reject every pending comment of a cluster, then back to the queue."""
    try:
        decided = cluster_decide(
            cluster_id=cluster_id, moderator=request.user,
            action=request.POST.get("action", ""), clause=request.POST.get("clause") or None,
            note=request.POST.get("note", ""),
        )
    except TribuneError as error:
        messages.error(request, error.message)
        response = HttpResponseSeeOther(_back(request))
        return response
    action = request.POST.get("action")
    if action == "approve":
        text = ngettext("%(count)d comment of the cluster approved and published.",
                        "%(count)d comments of the cluster approved and published.",
                        len(decided))
    else:
        text = ngettext("%(count)d comment of the cluster rejected.",
                        "%(count)d comments of the cluster rejected.", len(decided))
    messages.success(request, text % {"count": len(decided)})
    return HttpResponseSeeOther(_back(request))
