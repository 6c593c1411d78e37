"""Publishers, desks and Terms of Use."""

from __future__ import annotations

import copy

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tribune.core.errors import Conflict, InvalidInput, NotFound
from tribune.core.memory import EPOCH, remembered

from .models import Clause, Desk, Direction, Site, SiteOrigin
from .url_rules import origin_of

# The default clause whose decisions remove personal information (its original
# goes to the redaction vault, tribune.privacy.vault).
PERSONAL_INFORMATION_CLAUSE = "No personal information about others"

# Written once in English and translated at display time. Numbers are part of
# the contract: decisions cite a clause by its number.
DEFAULT_CLAUSES: list[tuple[str, str]] = [
    (gettext_noop("Respect others' points of view"),
     gettext_noop("Disagree with ideas, not with people. Comments that belittle another "
                  "reader for their opinion are not published.")),
    (gettext_noop("Stick to the facts"),
     gettext_noop("Do not present rumours or falsehoods as facts. Say where a claim comes "
                  "from when you can.")),
    (gettext_noop("No personal attacks or hate"),
     gettext_noop("No insults, and nothing that attacks people for their origin, ethnicity, "
                  "religion, gender, sexual orientation, disability or age.")),
    (gettext_noop("No personal information about others"),
     gettext_noop("Do not publish anyone's address, phone number, identity number, "
                  "e-mail or other private details, and think before sharing your own.")),
    (gettext_noop("No spam or advertising"),
     gettext_noop("No advertising, repeated messages or links posted to draw traffic.")),
    (gettext_noop("Stay on topic"),
     gettext_noop("Comments should be about the article they are posted under.")),
    (gettext_noop("No threats"),
     gettext_noop("No threats or incitement to violence against anyone.")),
]


def _desk_language_defaults(code: str) -> tuple[str, str]:
    """A desk's language name and direction guessed from a language code."""
    from django.conf.locale import LANG_INFO

    info = LANG_INFO.get(code.lower(), {})
    name = info.get("name_local") or info.get("name") or code
    rtl = info.get("bidi", False) or code.lower() in settings.LANGUAGES_BIDI
    return name, (Direction.RTL if rtl else Direction.LTR)


def desk_create(
    *, code: str, name: str = "", language: str = "", direction: str = ""
) -> Desk:
    """Create a desk. Name, language and direction default from the code when it is
    a known language code (``ug`` gives a right-to-left desk)."""
    code = (code or "").strip().lower()
    if not code or not code.replace("-", "").replace("_", "").isalnum() or len(code) > 32:
        raise InvalidInput(_("A desk code is 1–32 letters, digits or hyphens."), field="code")
    if Desk.objects.filter(code=code).exists():
        raise Conflict(_("A desk with code %(code)s already exists.") % {"code": code})
    language = (language or code).strip().lower()
    guessed_name, guessed_direction = _desk_language_defaults(language)
    if direction and direction not in Direction.values:
        raise InvalidInput(_("Direction must be ltr or rtl."), field="direction")
    return Desk.objects.create(
        code=code,
        name=(name or guessed_name).strip()[:100],
        language=language,
        direction=direction or guessed_direction,
    )


def desk_get(*, code: object) -> Desk:
    """The desk with this code, or ``InvalidInput`` (code ``unknown_desk``)."""
    desk = Desk.objects.filter(code=str(code).strip().lower()).first() if code else None
    if desk is None:
        raise InvalidInput(_("There is no desk %(code)s.") % {"code": code}, field="desk",
                           code="unknown_desk")
    return desk


def desk_get_or_create(*, code: str) -> Desk:
    desk = Desk.objects.filter(code=(code or "").strip().lower()).first()
    return desk or desk_create(code=code)


@transaction.atomic
def site_create(*, origins: list[str], name: str = "", desk: Desk) -> Site:
    """Register a site with its origins and the default Terms of Use (clauses 1–7)."""
    normalised = []
    for origin in origins:
        value = origin_of(origin, field="origin")
        if SiteOrigin.objects.filter(origin=value).exists() or value in normalised:
            raise Conflict(
                _("The origin %(origin)s already belongs to a site.") % {"origin": value},
                field="origin",
            )
        normalised.append(value)
    if not normalised:
        raise InvalidInput(_("A site needs at least one origin."), field="origin")
    site = Site.objects.create(name=(name or normalised[0]).strip()[:200], default_desk=desk)
    SiteOrigin.objects.bulk_create(SiteOrigin(site=site, origin=o) for o in normalised)
    Clause.objects.bulk_create(
        Clause(site=site, number=number, title=title, text=text,
               personal_information=title == PERSONAL_INFORMATION_CLAUSE)
        for number, (title, text) in enumerate(DEFAULT_CLAUSES, start=1)
    )
    return site


def _site_of_origin(origin: str) -> Site | None:
    row = SiteOrigin.objects.select_related("site").filter(origin=origin).first()
    return row.site if row is not None else None


def site_for_origin(origin: str, *, fresh: bool = False) -> Site:
    """The site an origin is registered to, or :class:`NotFound`. Kept in the
    process (:mod:`tribune.core.memory`) under the render store's epoch, which
    any change to sites, origins or desks bumps; the caller gets its own copy.
    ``fresh``: asked of the database."""
    if fresh:
        site = _site_of_origin(origin)
    else:
        site = remembered(EPOCH, ("site_for_origin", origin), lambda: _site_of_origin(origin))
    if site is None:
        raise NotFound(
            _("Comments are not enabled for %(origin)s: it is not a registered site.")
            % {"origin": origin},
            field="url",
            code="unknown_site",
        )
    return copy.copy(site)


def clause_get(*, site: Site, number: object) -> Clause:
    if isinstance(number, bool) or not isinstance(number, int):
        try:
            number = int(str(number))
        except ValueError:
            raise InvalidInput(
                _("The clause must be the number of a clause in the Terms of Use."),
                field="clause",
            ) from None
    clause = Clause.objects.filter(site=site, number=number).first()
    if clause is None:
        raise InvalidInput(
            _("The Terms of Use have no clause %(number)s.") % {"number": number},
            field="clause",
            code="unknown_clause",
        )
    return clause
