"""No address, user agent or referrer is kept anywhere: real traffic carrying
marker client addresses (through a trusted proxy's X-Forwarded-For), a marker
user agent and a marker referrer goes through every kind of request; then the
whole database (SQLite file and WAL, or a pg_dump of PostgreSQL) and the
server's logs are searched for the markers, as text and as packed bytes."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings

from conftest import free_port
from tribune.reliability.testing import (
    ARTICLE,
    PASSWORD,
    Server,
    browser_opener,
    prepare,
    request,
)

V4 = "198.51.100.23"
V6 = "2001:db8:dead:beef::23"
AGENT = "MarkerAgent/7.7 (privacy-marker-test)"
REFERRER = "https://referrer-marker.example/page"

TEXT_NEEDLES = [V4, "198.51.100.", V6, "2001:db8:dead", "2001:0db8:dead:beef",
                "MarkerAgent", "privacy-marker-test", "referrer-marker"]
WORDS = ["first network", "second network"]  # never the address itself in a body
BYTE_NEEDLES = [socket.inet_pton(socket.AF_INET, V4), socket.inet_pton(socket.AF_INET6, V6)]


def hits(data: bytes) -> list[str]:
    """The markers found in ``data``, as text (any case) or packed bytes."""
    lowered = data.lower()
    found = [n for n in TEXT_NEEDLES if n.lower().encode() in lowered]
    found += [f"packed {n.hex()}" for n in BYTE_NEEDLES if n in data]
    return found


def marker_headers(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address, "User-Agent": AGENT, "Referer": REFERRER}


def pg_dump_bytes(database_url: str) -> bytes:
    return subprocess.run(["pg_dump", "--data-only", "--dbname", database_url],
                          capture_output=True, check=True).stdout


def test_markers_sent_to_a_real_server_are_nowhere_in_the_database_or_logs(fresh_tribune):
    cli = fresh_tribune
    token = prepare(cli)
    server = Server(cli, free_port(), workers=2, args=("--access-log",),
                    env={"TRIBUNE_TRUSTED_PROXIES": "127.0.0.1", "TRIBUNE_FORM_MIN_SECONDS": "0"})
    server.start()
    base = server.url
    try:
        for n, address in enumerate((V4, V6)):
            headers = marker_headers(address)
            # The API: submit, read, count, one's own data, bad input, a 404.
            status, body, _h = request(f"{base}/api/v1/comments", method="POST",
                                       headers=headers, data={"url": ARTICLE, "author": "Mina",
                                                              "body": f"Hello, {WORDS[n]}"})
            assert status == 202, body
            sent = json.loads(body)
            mine = {**headers, "X-Tribune-Commenter": sent["commenter_token"]}
            for path in (f"/api/v1/comments?url={ARTICLE}", f"/api/v1/counts?url={ARTICLE}",
                         "/api/v1/me/comments", "/api/v1/me/export", "/healthz",
                         f"/api/v1/no-such-thing/{address}", f"/embed/thread?url={ARTICLE}",
                         "/terms/1", "/moderate/login/"):
                status, _body, _h = request(base + path, headers=mine)
                assert status < 500, path
            status, _body, _h = request(f"{base}/api/v1/comments", method="POST",
                                        headers=headers, data={"url": ARTICLE})
            assert status == 400
            # A moderator publishes it; a reader reports it.
            status, body, _h = request(
                f"{base}/api/v1/moderation/comments/{sent['id']}/decision", method="POST",
                headers={**headers, "Authorization": f"Bearer {token}"},
                data={"action": "approve", "expected_status": "pending"})
            assert status == 200, body
            status, body, _h = request(f"{base}/api/v1/comments/{sent['id']}/reports",
                                       method="POST", headers=headers,
                                       data={"reason": "other", "text": "Please check."})
            assert status == 201, body

            # The no-JavaScript form, with its cookies, CSRF token and timestamp.
            opener, _jar = browser_opener()
            status, page, _h = request(f"{base}/embed/thread?url={ARTICLE}", headers=headers,
                                       opener=opener)
            fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                                     page.decode()))
            fields.update(author="Jae-won", body=f"Form post, {WORDS[n]}")
            status, _page, response_headers = request(
                f"{base}/embed/thread", method="POST", data=fields, form=True,
                headers=headers, opener=opener)
            assert status == 303, _page[:2000]

            # A failed moderator login (throttled and audited, without the address).
            status, page, _h = request(f"{base}/moderate/login/", headers=headers,
                                       opener=opener)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode())
            status, _page, _h = request(
                f"{base}/moderate/login/", method="POST", form=True, headers=headers,
                opener=opener, data={"csrfmiddlewaretoken": csrf.group(1), "username": "mod",
                                     "password": "wrong " + PASSWORD})
            assert status in (200, 400, 403, 429)
            # The reader deletes one comment.
            status, _body, _h = request(f"{base}/api/v1/me/comments/{sent['id']}",
                                        method="DELETE", headers=mine)
            assert status == 200

        # While the server runs, the WAL holds the latest writes: search it too.
        var = cli.workdir / "var"
        # (Files only: the comment writer's socket, *.sqlite3.comments.sock, holds nothing.)
        live = {p.name: p.read_bytes() for p in var.glob("*.sqlite3*") if p.is_file()}
    finally:
        server.stop()
    stored = {str(p.relative_to(cli.workdir)): p.read_bytes()
              for p in (cli.workdir / "var").rglob("*") if p.is_file()}
    found = {name: hits(data) for name, data in {**live, **stored}.items() if hits(data)}
    assert found == {}
    if os.environ.get("DATABASE_URL"):
        assert hits(pg_dump_bytes(cli.env["DATABASE_URL"])) == []
    else:
        assert any(name.endswith(".sqlite3") for name in stored)
    dumped = cli.run("dumpdata").stdout.encode()
    assert b"Form post, " in dumped  # the search does see what is stored
    assert hits(dumped) == []
    logs = server.logs()
    assert "POST /api/v1/comments" in logs  # the access log is there, and blind
    assert hits(logs.encode()) == []


@pytest.mark.django_db(transaction=True)
@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_markers_through_the_test_client_leave_no_trace(site, moderator, caplog):
    caplog.set_level(logging.DEBUG)
    api = Client(headers={"Authorization": f"Bearer {moderator.token}"})
    for n, address in enumerate((V4, V6)):
        reader = Client(HTTP_X_FORWARDED_FOR=address, HTTP_USER_AGENT=AGENT,
                        HTTP_REFERER=REFERRER)
        response = reader.post("/api/v1/comments", content_type="application/json",
                               data=json.dumps({"url": ARTICLE, "author": "A",
                                                "body": f"Sent from the {WORDS[n]}"}))
        assert response.status_code == 202
        comment_id = response.json()["id"]
        assert reader.post("/embed/thread", {"url": ARTICLE, "author": "B",
                                             "body": "No JS."}).status_code == 303
        api.post(f"/api/v1/moderation/comments/{comment_id}/decision",
                 data=json.dumps({"action": "approve"}), content_type="application/json",
                 HTTP_X_FORWARDED_FOR=address, HTTP_USER_AGENT=AGENT)
        assert reader.post(f"/api/v1/comments/{comment_id}/reports",
                           content_type="application/json",
                           data=json.dumps({"reason": "spam"})).status_code == 201
        assert reader.get("/api/v1/me/export").status_code == 200
        assert reader.get("/api/v1/nothing-here").status_code == 404

    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    assert "Sent from" in out.getvalue()
    assert hits(out.getvalue().encode()) == []
    if connection.vendor == "sqlite":
        # The whole test database, byte for byte, as its file would hold it.
        connection.ensure_connection()
        image = connection.connection.serialize()
        assert b"Sent from" in image
        assert hits(image) == []
    else:
        settings = connection.settings_dict
        url = (f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@"
               f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}")
        image = pg_dump_bytes(url)
        assert b"Sent from" in image
        assert hits(image) == []
    assert hits(caplog.text.encode()) == []


def test_the_search_finds_markers_when_they_are_there(tmp_path: Path):
    # The needles are not blind: a file holding an address in any of its forms is caught.
    for data in (V4.encode(), V6.upper().encode(), socket.inet_pton(socket.AF_INET6, V6),
                 b"ua=" + AGENT.encode(), b"\x00" + socket.inet_pton(socket.AF_INET, V4)):
        assert hits(data) != []
