"""The redaction vault: what a moderator removed under a personal-information
clause, kept only as long as the site says, and only sealed.

When a comment is edited or rejected under a clause marked as personal
information, the text it had before (the reader's original, and a previous
moderator's edit if any) leaves every readable place at once — the comment, its
audit rows — and goes into a :class:`~tribune.privacy.models.RedactedOriginal`
sealed with AES-GCM (the ``cryptography`` package) under the
:class:`~tribune.privacy.models.VaultKey` of the UTC day on which it expires
(the decision plus the site's ``redaction_days``, 7 by default). Only the
published version and the fact of the edit remain in clear.

- Desk editors of the comment's desk and administrators may open an original
  while it is kept; every opening writes a
  :class:`~tribune.privacy.models.VaultReading` in the same transaction.
- A day's key is destroyed once that day is over: by ``tribune purge`` and
  whenever a key is made, like the network-hash keys. Without it the sealed
  text is noise, in the database and in every copy of it.
- Backups never hold vault keys (``tribune backup`` drops them from its copy,
  ``pg_dump`` leaves their table's rows out), so a restored backup — taken
  before or after the expiry — gives back no original at all.
- An undo within the undo window brings the original back into the comment.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tribune.comments.models import Comment, Status

from .models import RedactedOriginal, VaultKey, VaultReading

VAULT_KEY_TABLE = VaultKey._meta.db_table


def _aad(comment_id: int, decision_id: int) -> bytes:
    # Binds a sealed text to its comment and decision: it cannot be moved.
    return f"tribune.vault/1 comment={comment_id} decision={decision_id}".encode()


def vault_keys_destroy(*, today: dt.date | None = None) -> int:
    """Delete every key of a day that is over; returns how many."""
    today = today or timezone.now().date()
    if connection.vendor == "sqlite":
        # Overwrite deleted rows with zeros, so a destroyed key is not left
        # behind in the file's free pages.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    deleted, _ = VaultKey.objects.filter(day__lt=today).delete()
    return deleted


def _key_for(day: dt.date) -> bytes:
    secret = VaultKey.objects.filter(day=day).values_list("secret", flat=True).first()
    if secret is None:
        try:
            with transaction.atomic():
                secret = VaultKey.objects.create(day=day, secret=AESGCM.generate_key(256)).secret
        except IntegrityError:
            # Another process made the day's key first: use theirs.
            secret = VaultKey.objects.values_list("secret", flat=True).get(day=day)
        vault_keys_destroy()
    return bytes(secret)


def original_seal(*, comment, decision, texts: dict[str, str], days: int,
                  now: dt.datetime) -> RedactedOriginal:
    """Seal ``texts`` (what the decision removed) for ``days`` days. Call inside
    the decision's transaction."""
    expires = now + dt.timedelta(days=days)
    day = expires.astimezone(dt.UTC).date()
    nonce = secrets.token_bytes(12)
    plain = json.dumps(texts, ensure_ascii=False).encode()
    sealed = AESGCM(_key_for(day)).encrypt(nonce, plain, _aad(comment.pk, decision.pk))
    return RedactedOriginal.objects.create(
        comment=comment, decision=decision, key_day=day, nonce=nonce, sealed=sealed,
        created_at=now, expires_at=expires,
    )


def _unseal(entry: RedactedOriginal, *, now: dt.datetime) -> dict[str, str] | None:
    if entry.expires_at <= now:
        return None
    secret = VaultKey.objects.filter(day=entry.key_day).values_list("secret", flat=True).first()
    if secret is None:
        return None  # destroyed: nobody can read it any more
    try:
        plain = AESGCM(bytes(secret)).decrypt(
            bytes(entry.nonce), bytes(entry.sealed), _aad(entry.comment_id, entry.decision_id))
    except InvalidTag:
        return None
    return json.loads(plain)


@dataclass(frozen=True)
class OpenedOriginal:
    decision_id: int
    original: str
    before: str
    sealed_at: dt.datetime
    expires_at: dt.datetime


def originals_kept(*, comment_id: int, now: dt.datetime | None = None) -> list[RedactedOriginal]:
    """The comment's sealed originals still within their retention (none opened)."""
    now = now or timezone.now()
    return list(RedactedOriginal.objects.filter(comment_id=comment_id, expires_at__gt=now)
                .order_by("created_at", "id"))


def originals_open(*, comment_id: int, reader) -> list[OpenedOriginal]:
    """Open the comment's kept originals for ``reader`` (whose right to read the
    caller has checked), recording one reading per original opened."""
    now = timezone.now()
    opened = []
    with transaction.atomic():
        for entry in originals_kept(comment_id=comment_id, now=now):
            texts = _unseal(entry, now=now)
            if texts is None:
                continue
            VaultReading.objects.create(comment_id=comment_id, decision_id=entry.decision_id,
                                        reader=reader, read_at=now)
            opened.append(OpenedOriginal(
                decision_id=entry.decision_id, original=texts.get("original", ""),
                before=texts.get("before", ""), sealed_at=entry.created_at,
                expires_at=entry.expires_at))
    return opened


def original_take_back(*, decision) -> dict[str, str] | None:
    """For an undo of ``decision``: its sealed texts, deleting the entry (the
    undo puts them back in the comment). None when nothing was sealed."""
    entry = RedactedOriginal.objects.filter(decision=decision).first()
    if entry is None:
        return None
    texts = _unseal(entry, now=timezone.now())
    entry.delete()
    return texts


def originals_expire(*, now: dt.datetime | None = None, dry_run: bool = False) -> tuple[int, int]:
    """Delete originals past their retention and destroy the keys of days that
    are over: ``(originals deleted, keys destroyed)``."""
    now = now or timezone.now()
    expired = RedactedOriginal.objects.filter(expires_at__lte=now)
    if dry_run:
        return expired.count(), VaultKey.objects.filter(day__lt=now.date()).count()
    deleted, _ = expired.delete()
    return deleted, vault_keys_destroy(today=now.date())


def decision_redact(*, comment, decision, before_body: str, days: int,
                    now: dt.datetime) -> RedactedOriginal | None:
    """After an edit or rejection under a personal-information clause (inside
    its transaction, the comment locked): seal what it removed and blank it
    everywhere it was readable — the comment's original, and the texts of its
    audit rows other than the version now published. None when the decision
    removed nothing (the published text is the reader's own)."""

    published = comment.published_body if comment.status == Status.APPROVED else None
    if published is not None and comment.edited_body is None:
        return None
    texts = {"original": comment.body, "before": before_body}
    entry = original_seal(comment=comment, decision=decision, texts=texts, days=days, now=now)
    comment.body = ""
    if comment.status != Status.APPROVED and comment.edited_body is not None:
        comment.edited_body = ""  # the fact of an edit stays, not its text
    Comment.objects.filter(pk=comment.pk).update(body=comment.body,
                                                 edited_body=comment.edited_body)
    # The audit rows (moderation, above privacy) through their relation.
    rows = comment.decisions.all()
    if published is None:
        rows.update(body_before="", body_after="")
    else:
        rows.exclude(body_before=published).update(body_before="")
        rows.exclude(body_after=published).update(body_after="")
    _scrub_outbox(comment_id=comment.pk, removed={texts["original"], before_body} - {published})
    return entry


def _scrub_outbox(*, comment_id: int, removed: set[str]) -> None:
    """Blank the removed texts in the webhook outbox's payloads about the comment
    (sent or not: the rows stay for the record). Through the app registry: the
    outbox belongs to :mod:`tribune.webhooks`, which may be absent."""
    try:
        deliveries = apps.get_model("webhooks", "Delivery")
    except LookupError:
        return
    removed.discard("")
    if not removed:
        return
    about = deliveries.objects.filter(payload__contains=f'"comment":{{"id":{comment_id},')
    for delivery in about:
        data = json.loads(delivery.payload)
        shown = data.get("comment") or {}
        for field in ("body", "published_body"):
            if shown.get(field) in removed:
                shown[field] = ""
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if payload != delivery.payload:
            deliveries.objects.filter(pk=delivery.pk).update(payload=payload)


def originals_kept_among(*, comment_ids: list[int]) -> set[int]:
    """Which of these comments have an original still kept (one query)."""
    return set(RedactedOriginal.objects.filter(
        comment_id__in=comment_ids, expires_at__gt=timezone.now()).values_list(
        "comment_id", flat=True))
