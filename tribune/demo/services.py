"""Loading the demo through the same services readers and moderators use."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from tribune.actions.decide import decision_make
from tribune.actions.submit import comment_submit
from tribune.comments.models import Comment, Status
from tribune.core.errors import InvalidInput, NotFound
from tribune.integrations.services import thread_save
from tribune.moderation.models import DeskAssignment, Role
from tribune.moderation.moderators import moderator_create
from tribune.publishing.services import thread_publish
from tribune.sites.models import Desk, Site, SiteOrigin
from tribune.sites.services import desk_create, site_create, site_for_origin
from tribune.sites.url_rules import origin_of
from tribune.threads.models import Thread

from .content import (
    APPROVE,
    ARTICLES,
    DESKS,
    MODERATOR_NAME,
    PENDING,
    SITE_NAME,
    DemoArticle,
)


@dataclass(frozen=True)
class DemoLoaded:
    site: Site
    origin: str
    moderator: str
    password: str
    articles: int
    published: int
    pending: int
    created_comments: int
    # The origins the demo site was served at before this run moved it.
    moved_from: tuple[str, ...] = ()


def demo_password() -> str:
    return secrets.token_urlsafe(12)


def demo_load(*, origin: str, password: str | None = None) -> DemoLoaded:
    """Load (or complete) the demo site at ``origin``.

    Safe to run again: existing desks, site, threads and comments are reused —
    a thread that already has comments gets no new ones — and the demo
    moderator's password is reset to ``password`` (random when None). Run again
    at another origin (``PORT=9000 ./scripts/demo``), the demo site moves there
    with its threads instead of a second demo site being made.
    """
    origin = origin_of(origin, field="origin")
    password = password or demo_password()
    created = 0
    with transaction.atomic():
        desks = {d.code: _desk(d.code, d.name, d.language, d.direction) for d in DESKS}
        site, moved_from = _site(origin, desks["en"])
        moderator = _moderator(password, list(desks))
        threads = []
        for article in ARTICLES:
            thread = thread_save(
                actor=moderator, url=origin + article.path, title=article.title,
                desk=article.desk,
            ).thread
            threads.append(thread)
            if not Comment.objects.filter(thread=thread).exists():
                created += _seed(thread, article, moderator)
        counts = Comment.objects.filter(thread__in=threads)
        return DemoLoaded(
            site=site,
            origin=origin,
            moderator=moderator.get_username(),
            password=password,
            articles=len(threads),
            published=counts.filter(status=Status.APPROVED).count(),
            pending=counts.filter(status=Status.PENDING).count(),
            created_comments=created,
            moved_from=moved_from,
        )


def _desk(code: str, name: str, language: str, direction: str) -> Desk:
    desk = Desk.objects.filter(code=code).first()
    return desk or desk_create(code=code, name=name, language=language, direction=direction)


def _site(origin: str, desk: Desk) -> tuple[Site, tuple[str, ...]]:
    """The demo site at ``origin`` and the origins it moved from (see _site_move)."""
    try:
        return site_for_origin(origin), ()
    except NotFound:
        pass
    site = Site.objects.filter(name=SITE_NAME).order_by("pk").first()
    if site is None:
        return site_create(origins=[origin], name=SITE_NAME, desk=desk), ()
    return site, _site_move(site, origin)


def _site_move(site: Site, origin: str) -> tuple[str, ...]:
    """Serve the demo site at ``origin`` only, its articles' threads with it.

    The demo's article URLs follow the address it is served at, which a rerun
    with another port changes; a real site's article URLs never do, which is
    why this lives here and not among the sites' services.
    """
    old = tuple(site.origins.values_list("origin", flat=True))
    moved = []
    for article in ARTICLES:
        thread = Thread.objects.filter(url__in=[o + article.path for o in old]).first()
        if thread is not None and not Thread.objects.filter(url=origin + article.path).exists():
            thread.url = origin + article.path
            thread.save(update_fields=["url"])
            moved.append(thread)
    SiteOrigin.objects.filter(site=site).delete()
    SiteOrigin.objects.create(site=site, origin=origin)
    for thread in moved:
        # The render names the thread's URL, and readers look it up by URL.
        thread_publish(thread=thread)
    return old


def _moderator(password: str, desk_codes: list[str]) -> AbstractBaseUser:
    User = get_user_model()
    user = User.objects.filter(username=MODERATOR_NAME).first()
    if user is None:
        # A desk editor of every demo desk rather than an administrator:
        # administrators must set up two-factor login before their first
        # decision, which would stand between a new user and the demo's tour.
        return moderator_create(
            name=MODERATOR_NAME, password=password, desk_codes=desk_codes, role=Role.EDITOR
        )
    # The demo's moderator is reset, not duplicated: same rules as a new one.
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from None
    user.set_password(password)
    user.is_active = user.is_staff = True
    user.is_superuser = False
    user.save(update_fields=["password", "is_active", "is_staff", "is_superuser"])
    desks = Desk.objects.filter(code__in=desk_codes)
    for desk in desks:
        DeskAssignment.objects.update_or_create(
            user=user, desk=desk, defaults={"role": Role.EDITOR}
        )
    return user


def _seed(thread: Thread, article: DemoArticle, moderator: AbstractBaseUser) -> int:
    """Submit the article's comments as readers would, then decide them."""
    tokens: dict[str, str] = {}
    ids: dict[str, int] = {}
    for seed in article.comments:
        comment = comment_submit(
            url=thread.url,
            author=seed.author,
            body=seed.body,
            parent=ids[seed.reply_to] if seed.reply_to else None,
            commenter_token=tokens.setdefault(seed.author, secrets.token_urlsafe(24)),
        )
        ids[seed.key] = comment.pk
        if seed.decision == PENDING:
            continue
        decision_make(
            comment_id=comment.pk,
            moderator=moderator,
            action=seed.decision,
            clause=None if seed.decision == APPROVE else seed.clause,
            body=seed.edited_body or None,
            note=seed.note,
        )
    return len(article.comments)
