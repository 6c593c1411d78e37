"""Factories for tests: they build data through the services, as users do."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.utils import translation

from tribune.accounts.tokens import token_create
from tribune.actions.submit import comment_submit
from tribune.comments.models import Comment
from tribune.moderation.decisions import comment_decide
from tribune.moderation.moderators import moderator_create
from tribune.sites.models import Site
from tribune.sites.services import desk_get_or_create, site_create

PASSWORD = "correct-horse-battery-staple"


def make_site(
    *, origin: str = "https://news.example.org", desk_code: str = "en", name: str = "Example News"
) -> Site:
    return site_create(origins=[origin], name=name, desk=desk_get_or_create(code=desk_code))


def make_moderator(
    *, name: str = "moderator", desk_codes: list[str], admin: bool = False,
    password: str = PASSWORD, role: str = "moderator",
) -> AbstractBaseUser:
    """A moderator (or a desk editor: ``role="editor"``) with ``.token`` (API)
    and ``.raw_password`` attached."""
    user = moderator_create(name=name, password=password, desk_codes=desk_codes, admin=admin,
                            role=role)
    user.token = token_create(name=name)
    user.raw_password = password
    return user


def make_comment(
    *, url: str = "https://news.example.org/2026/11/article", author: str = "Reader",
    body: str = "A comment.", parent: int | None = None, token: str | None = None,
    title: str | None = None,
) -> Comment:
    return comment_submit(
        url=url, author=author, body=body, parent=parent, title=title,
        commenter_token=token or secrets.token_urlsafe(16),
    )


def make_published(moderator: AbstractBaseUser | None = None, **kwargs) -> Comment:
    comment = make_comment(**kwargs)
    return comment_decide(comment_id=comment.pk, moderator=moderator, action="approve")


def best_of_3(work: Callable[[], object]) -> float:
    """The shortest of three timings of ``work()``, in seconds: the timing tests
    of worst-case inputs bound this, so that one pause of a loaded machine does
    not fail them, while work that grows with the square of its input still does."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def spoken(language: str, english: str) -> str:
    """What a reader of a desk in ``language`` reads where the English is ``english``
    (the catalogue's translation, or the English itself where there is none), so that
    a browser test can find a label or a button on any desk's page."""
    say = translation.gettext  # through a name: makemessages must not list tests as sources
    with translation.override(language):
        return say(english)
