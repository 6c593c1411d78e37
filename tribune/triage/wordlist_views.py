"""The desk word lists in the moderation workspace (``/moderate/triage/words/``).

Every moderator may read the lists of the desks they see; a desk editor (or an
administrator) imports terms into their desks' lists and removes them. An
import is reviewed before anything is written: the editor sees the terms it
adds, those already listed and the lines refused, then confirms.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from tribune.core.errors import InvalidInput, TribuneError
from tribune.moderation.permissions import can_edit_wordlist, can_see_desk, moderator_desk_ids
from tribune.moderation.views import HttpResponseSeeOther, moderator_required
from tribune.sites.models import Desk

from .models import Term
from .wordlists import (
    IMPORT_BYTES_MAX,
    IMPORT_LINES_MAX,
    TERM_MAX,
    import_text,
    term_remove,
    terms_import,
    terms_preview,
)


def _desks_seen(user) -> list[Desk]:
    desks = Desk.objects.order_by("name")
    seen = moderator_desk_ids(user)
    return list(desks if seen is None else desks.filter(pk__in=seen))


@moderator_required
def wordlists_view(request: HttpRequest) -> HttpResponse:
    """The desks whose word lists the moderator may read, with their sizes."""
    desks = _desks_seen(request.user)
    sizes = {desk.pk: 0 for desk in desks}
    for desk_id in Term.objects.filter(desk__in=desks).values_list("desk_id", flat=True):
        sizes[desk_id] += 1
    rows = [(desk, sizes[desk.pk], can_edit_wordlist(request.user, desk.pk)) for desk in desks]
    return render(request, "triage/wordlists.html", {"rows": rows, "nav": "wordlists"})


def _submitted_text(request: HttpRequest) -> str:
    """The list the editor pasted, or the text of the file they chose."""
    upload = request.FILES.get("file")
    if upload is not None:
        return import_text(upload.read(IMPORT_BYTES_MAX + 1))
    return str(request.POST.get("terms", ""))


@moderator_required
@require_http_methods(["GET", "HEAD", "POST"])
def wordlist_view(request: HttpRequest, desk_code: str) -> HttpResponse:
    """One desk's list: read it; for its editors, import (preview, then
    confirm) and remove terms."""
    desk = Desk.objects.filter(code=desk_code.lower()).first()
    if desk is None or not can_see_desk(request.user, desk.pk):
        return render(request, "moderation/error.html", {
            "title": _("No such desk"),
            "message": _("There is no desk %(code)s among yours.") % {"code": desk_code},
        }, status=404)
    editable = can_edit_wordlist(request.user, desk.pk)
    context = {"desk": desk, "editable": editable, "nav": "wordlists", "term_max": TERM_MAX,
               "lines_max": IMPORT_LINES_MAX}
    status = 200
    if request.method == "POST":
        if not editable:
            return render(request, "moderation/error.html", {
                "title": _("Only a desk editor changes this list"),
                "message": _("Ask an editor of the %(desk)s desk or an administrator.")
                % {"desk": desk.name},
            }, status=403)
        action = request.POST.get("action", "")
        here = reverse("triage:wordlist", args=[desk.code])
        try:
            if action == "remove":
                term = str(request.POST.get("term", ""))
                if term_remove(desk_code=desk.code, term=term):
                    messages.success(request, _("“%(term)s” is no longer listed.") % {"term": term})
                return HttpResponseSeeOther(here)
            if action == "import":
                done = terms_import(desk_code=desk.code, text=str(request.POST.get("terms", "")),
                                    user=request.user)
                messages.success(request, ngettext(
                    "%(count)d term added to the list.", "%(count)d terms added to the list.",
                    len(done.new)) % {"count": len(done.new)})
                return HttpResponseSeeOther(here)
            if action != "preview":
                raise InvalidInput(_("Choose whether to review or to import the list."),
                                   field="action")
            text = _submitted_text(request)
            context["preview"] = terms_preview(desk_code=desk.code, text=text)
            context["pasted"] = "\n".join(context["preview"].new)
        except TribuneError as error:
            context["problem"] = error.message
            status = 400
    context["terms"] = list(Term.objects.filter(desk=desk).order_by("term")
                            .values_list("term", flat=True))
    return render(request, "triage/wordlist.html", context, status=status)
