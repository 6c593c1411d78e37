"""The redaction vault (issue #15): a comment edited or rejected under the
personal-information clause keeps its original only sealed, only for the site's
retention, readable only by desk editors with every reading recorded; after
that nothing of it remains — in the database, an export or a restored backup."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from conftest import TribuneCLI, fresh_database
from tribune.actions.site_safety import site_safety_set
from tribune.core.testing import make_comment, make_moderator
from tribune.moderation.decisions import comment_decide
from tribune.moderation.models import Decision
from tribune.moderation.undo import decision_undo_last
from tribune.privacy.models import RedactedOriginal, VaultKey, VaultReading
from tribune.privacy.retention import retention_purge

PHONE = "010-9876-5432"
BODY = f"The mayor lied. Call me on {PHONE} for the documents."
EDITED = "The mayor lied."


def everything() -> str:
    """Every row of every table, as text."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


@pytest.fixture
def editor(site):
    user = make_moderator(name="editor", desk_codes=["en"], role="editor")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def decide(api: Client, comment_id: int, **fields):
    return api.post(f"/api/v1/moderation/comments/{comment_id}/decision", fields,
                    content_type="application/json")


def test_a_clause_4_edit_keeps_the_original_only_sealed(site, api, editor, moderator):
    comment = make_comment(body=BODY)
    response = decide(api, comment.pk, action="edit", body=EDITED, clause=4)
    assert response.status_code == 200
    # Published: the edited version and the fact of the edit.
    public = Client().get("/api/v1/comments", {"url": comment.thread.url}).json()
    [shown] = public["comments"]
    assert (shown["body"], shown["edited"], shown["edit_clause"]) == (EDITED, True, 4)
    # Nowhere in clear: not the comment, not its audit rows, not any table.
    comment.refresh_from_db()
    assert comment.body == "" and comment.edited_body == EDITED
    decision = Decision.objects.get(comment=comment)
    assert (decision.body_before, decision.body_after) == ("", EDITED)
    assert PHONE not in everything()
    entry = RedactedOriginal.objects.get(comment=comment)
    assert PHONE.encode() not in bytes(entry.sealed)
    assert entry.expires_at - entry.created_at == dt.timedelta(days=7)  # the default

    # A plain moderator cannot read it; a desk editor can, and is recorded.
    plain = Client()
    plain.force_login(moderator)
    assert plain.post(f"/moderate/comments/{comment.pk}/original").status_code == 403
    page = editor.get(f"/moderate/comments/{comment.pk}/original")
    assert page.status_code == 200 and PHONE not in page.content.decode()
    assert not VaultReading.objects.exists()  # looking at the page is not reading
    opened = editor.post(f"/moderate/comments/{comment.pk}/original")
    assert opened.status_code == 200 and PHONE in opened.content.decode()
    assert "no-store" in opened["Cache-Control"]
    reading = VaultReading.objects.get()
    assert (reading.reader, reading.comment_id, reading.decision_id) == (
        editor.user, comment.pk, decision.pk)
    # The queue card says the original was removed, and where to read it.
    card = plain.get("/moderate/", {"status": "approved"}).content.decode()
    assert "Original text removed (personal information)" in card and PHONE not in card


def test_a_clause_4_rejection_seals_the_text_too(site, api, editor):
    comment = make_comment(body=BODY)
    assert decide(api, comment.pk, action="reject", clause=4).status_code == 200
    comment.refresh_from_db()
    assert comment.status == "rejected" and comment.body == ""
    assert PHONE not in everything()
    assert PHONE in editor.post(f"/moderate/comments/{comment.pk}/original").content.decode()


def test_the_webhook_outbox_forgets_the_removed_text(site, api):
    from tribune.webhooks.models import Delivery
    from tribune.webhooks.services import webhook_add

    webhook_add(site=site, url="https://hooks.example.org/tribune")
    comment = make_comment(body=BODY)  # its "submitted" event quotes the text
    assert PHONE in Delivery.objects.get(event="comment.submitted").payload
    assert decide(api, comment.pk, action="edit", body=EDITED, clause=4).status_code == 200
    payloads = list(Delivery.objects.values_list("payload", flat=True))
    assert len(payloads) == 2 and all(PHONE not in p for p in payloads)
    edited = json.loads(Delivery.objects.get(event="comment.edited").payload)["comment"]
    assert (edited["body"], edited["published_body"]) == ("", EDITED)
    assert PHONE not in everything()


def test_other_clauses_keep_the_original_as_before(site, api):
    comment = make_comment(body="Nice. Buy watches at shop.example")
    assert decide(api, comment.pk, action="edit", body="Nice.", clause=5).status_code == 200
    comment.refresh_from_db()
    assert comment.body == "Nice. Buy watches at shop.example"
    assert not RedactedOriginal.objects.exists()


def test_undo_brings_the_original_back(site, moderator):
    comment = make_comment(body=BODY)
    comment_decide(comment_id=comment.pk, moderator=moderator, action="edit", body=EDITED,
                   clause=4)
    decision_undo_last(moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == "pending" and comment.body == BODY and not comment.is_edited
    assert not RedactedOriginal.objects.exists()


def test_after_the_retention_nothing_is_left(site, api, editor):
    site_safety_set(site=site, redaction_days=2)
    comment = make_comment(body=BODY)
    decide(api, comment.pk, action="edit", body=EDITED, clause=4)
    entry = RedactedOriginal.objects.get()
    assert entry.expires_at - entry.created_at == dt.timedelta(days=2)
    # The day before: still kept.
    report = retention_purge(now=timezone.now() + dt.timedelta(days=1))
    assert report.redacted_originals_deleted == 0 and RedactedOriginal.objects.exists()
    report = retention_purge(now=timezone.now() + dt.timedelta(days=3))
    assert report.redacted_originals_deleted == 1 and report.vault_keys_destroyed == 1
    assert not RedactedOriginal.objects.exists() and not VaultKey.objects.exists()
    page = editor.post(f"/moderate/comments/{comment.pk}/original").content.decode()
    assert "Nothing is kept" in page
    # Only the published version and the fact of the edit remain.
    comment.refresh_from_db()
    assert comment.published_body == EDITED and comment.is_edited
    assert PHONE not in everything()


def test_without_its_key_a_sealed_original_is_unreadable(site, api, editor):
    comment = make_comment(body=BODY)
    decide(api, comment.pk, action="edit", body=EDITED, clause=4)
    VaultKey.objects.all().delete()  # the key destroyed, the row still there
    page = editor.post(f"/moderate/comments/{comment.pk}/original").content.decode()
    assert PHONE not in page
    assert not VaultReading.objects.exists()


def test_the_export_holds_no_removed_original(site, api, tmp_path):
    comment = make_comment(body=BODY)
    decide(api, comment.pk, action="edit", body=EDITED, clause=4)
    target = tmp_path / "export.jsonl"
    call_command("export", str(target), stdout=io.StringIO())
    text = target.read_text()
    assert EDITED in text and PHONE not in text


# --- Backups, with real `tribune` processes on a database of their own -----------

SETUP = f"""
from tribune.core.testing import make_comment, make_moderator, make_site
from tribune.moderation.decisions import comment_decide
make_site()
editor = make_moderator(name="ed", desk_codes=["en"], role="editor")
comment = make_comment(body={BODY!r})
comment_decide(comment_id=comment.pk, moderator=editor, action="edit", body={EDITED!r},
               clause=4)
print("comment", comment.pk)
"""
EXPIRE = """
import datetime as dt
from django.utils import timezone
from tribune.privacy.retention import retention_purge
import json
print(json.dumps(retention_purge(now=timezone.now() + dt.timedelta(days=8)).as_dict()))
"""
READ = """
from django.contrib.auth import get_user_model
from tribune.comments.models import Comment
from tribune.privacy.models import RedactedOriginal, VaultKey
from tribune.privacy.vault import originals_open
comment = Comment.objects.get()
print("published", comment.published_body)
print("entries", RedactedOriginal.objects.count(), "keys", VaultKey.objects.count())
opened = originals_open(comment_id=comment.pk, reader=get_user_model().objects.get())
print("opened", [o.original for o in opened])
"""


def _restored(backup: Path, workdir: Path) -> str:
    """Restore ``backup`` into a fresh installation; what READ says there,
    and every row of it."""
    workdir.mkdir()
    with fresh_database(workdir) as env:
        cli = TribuneCLI(workdir, env)
        cli.run("restore", str(backup))
        return cli.run("shell", "-c", READ).stdout + cli.run("dumpdata").stdout


def test_a_restored_backup_gives_back_no_removed_original(fresh_tribune, tmp_path):
    cli = fresh_tribune
    cli.run("migrate", "--verbosity", "0")
    cli.run("shell", "-c", SETUP)
    # The original is readable in the live database while it is kept…
    live = cli.run("shell", "-c", READ).stdout
    assert PHONE in live and "entries 1 keys 1" in live
    before = tmp_path / "before-expiry.backup"
    cli.run("backup", str(before))
    if not cli.env.get("DATABASE_URL"):
        # The SQLite copy, byte for byte: no clear text, and no key to open it.
        raw = before.read_bytes()
        assert PHONE.encode() not in raw and EDITED.encode() in raw
        with sqlite3.connect(before) as copy:
            assert copy.execute("SELECT count(*) FROM privacy_vaultkey").fetchone() == (0,)
            assert copy.execute("SELECT count(*) FROM privacy_redactedoriginal").fetchone() == (1,)
    expired = json.loads(cli.run("shell", "-c", EXPIRE).stdout.strip().splitlines()[-1])
    assert expired["redacted_originals_deleted"] == 1 and expired["vault_keys_destroyed"] == 1
    after = tmp_path / "after-expiry.backup"
    cli.run("backup", str(after))

    # Restored — the backup taken before the expiry, then the one after: nothing.
    for name, backup in (("before", before), ("after", after)):
        seen = _restored(backup, tmp_path / f"restored-{name}")
        assert f"published {EDITED}" in seen
        assert "opened []" in seen
        assert "keys 0" in seen
        assert PHONE not in seen, name
    assert "entries 0" in _restored(after, tmp_path / "restored-again")
