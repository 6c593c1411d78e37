"""Two ``tribune serve`` processes sharing a database and a working directory: a
decision taken through one is seen by the next read from the other."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from urllib.parse import urlencode

PASSWORD = "a-long-password-for-tests"


def _call(url: str, *, method: str = "GET", data: dict | None = None,
          headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(  # noqa: S310 - our own server
        url, method=method, headers={"Content-Type": "application/json", **(headers or {})},
        data=json.dumps(data).encode() if data is not None else None)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_decision_in_one_server_is_seen_by_the_next_read_in_another(tribune_cli):
    host = f"x{secrets.token_hex(4)}.example.org"
    article = f"https://{host}/2026/story"
    name = f"mod{secrets.token_hex(3)}"
    tribune_cli.run("site", "add", f"https://{host}", "--desk", "en")
    tribune_cli.run("moderator", "create", name, "--admin", "--password", PASSWORD)
    token = tribune_cli.run("token", "create", name).stdout.strip().splitlines()[-1]
    auth = {"Authorization": f"Bearer {token}"}
    read_path = "/api/v1/comments?" + urlencode({"url": article})
    counts_path = "/api/v1/counts?" + urlencode({"url": article})

    with tribune_cli.serving(workers=2) as one, tribune_cli.serving(workers=2) as two:
        status, _h, body = _call(f"{one.url}/api/v1/comments", method="POST",
                                 data={"url": article, "author": "Ann", "body": "Hello."})
        assert status == 202, body
        comment_id = json.loads(body)["id"]
        # Warm both servers' workers on the empty thread.
        for _ in range(4):
            for server in (one, two):
                assert json.loads(_call(server.url + read_path)[2])["comments"] == []
                assert json.loads(_call(server.url + counts_path)[2]) == {article: 0}
        etag = _call(two.url + read_path)[1]["ETag"]

        status, _h, body = _call(
            f"{one.url}/api/v1/moderation/comments/{comment_id}/decision", method="POST",
            data={"action": "approve"}, headers=auth)
        assert status == 200, body
        for _ in range(4):  # every worker of the other server
            status, headers, body = _call(two.url + read_path, headers={"If-None-Match": etag})
            assert status == 200
            assert [c["body"] for c in json.loads(body)["comments"]] == ["Hello."]
            assert json.loads(_call(two.url + counts_path)[2]) == {article: 1}
        new_etag = headers["ETag"]
        assert _call(two.url + read_path, headers={"If-None-Match": new_etag})[0] == 304

        status, _h, body = _call(
            f"{two.url}/api/v1/moderation/comments/{comment_id}/decision", method="POST",
            data={"action": "reject", "clause": 3}, headers=auth)
        assert status == 200, body
        for _ in range(4):
            assert json.loads(_call(one.url + read_path)[2])["comments"] == []
            assert json.loads(_call(one.url + counts_path)[2]) == {article: 0}
