"""``tribune integration``, run as an operator would, then its token used on the API."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("integration", *args, stdout=out)
    return out.getvalue()


def test_integration_token_create_list_use_revoke(db, site):
    output = run("token", "cms", "--scope", "threads:write", "--desk", "en")
    token = output.strip().splitlines()[-1]
    assert token.startswith("tri_")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    response = client.post("/api/v1/threads", data=json.dumps(
        {"url": "https://news.example.org/a", "title": "From the CMS"}),
        content_type="application/json")
    assert response.status_code == 201
    listing = run("list")
    assert token[:12] in listing and "threads:write" in listing and token not in listing
    assert "Revoked 1 token(s)." in run("revoke", token[:12])
    assert client.post("/api/v1/threads", data=json.dumps(
        {"url": "https://news.example.org/a"}), content_type="application/json"
    ).status_code == 401


def test_refusals_are_one_line_errors(db, site):
    with pytest.raises(CommandError, match="no desk zz"):
        run("token", "cms", "--scope", "threads:write", "--desk", "zz")
    with pytest.raises(CommandError):
        run("token", "cms", "--scope", "root")
