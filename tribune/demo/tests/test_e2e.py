"""End to end, as a new user would: migrate, load the demo, serve, comment,
moderate through the API, and read the published thread.

Everything runs in a fresh working directory through the installed ``tribune``
script and real HTTP; the database is the process's own (a new SQLite file, or
a new PostgreSQL database beside the test database when DATABASE_URL is set).
"""

import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

PASSWORD = "end-to-end-demo-password"
USER_AGENT = "TribuneE2E-Agent/marker-5c1d"
SLUG = "coastal-village-seawall"


def call(method: str, url: str, *, payload: dict | None = None, token: str = ""):
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_a_new_user_runs_the_demo_and_moderates_a_comment(fresh_tribune, unused_port):
    cli = fresh_tribune
    origin = f"http://127.0.0.1:{unused_port}"
    cli.run("migrate", "--verbosity", "0")
    loaded = cli.run("demo", "--origin", origin, "--password", PASSWORD).stdout
    assert "user:     demo" in loaded and f"password: {PASSWORD}" in loaded
    assert f"{origin}/demo/" in loaded and f"{origin}/moderate/login/" in loaded
    if "DATABASE_URL" not in cli.env:
        assert (cli.workdir / "var" / "tribune.sqlite3").is_file()

    with cli.serving(port=unused_port, workers=2, args=("--access-log",)) as server:
        article = f"{origin}/demo/articles/{SLUG}"
        comments = f"{origin}/api/v1/comments?{urlencode({'url': article})}"

        status, before = call("GET", comments)
        assert status == 200
        assert before["thread"]["desk"] == "ko" and len(before["comments"]) >= 2

        body = "방파제 공사 소식 잘 읽었습니다.\n다음 태풍 전에 점검도 하나요?"
        status, submitted = call("POST", f"{origin}/api/v1/comments",
                                 payload={"url": article, "author": "검증", "body": body})
        assert status == 202, submitted
        assert submitted["status"] == "pending"
        comment_id = submitted["id"]

        status, pending_view = call("GET", comments)
        assert comment_id not in [c["id"] for c in pending_view["comments"]]

        token = cli.run("token", "create", "demo").stdout.splitlines()[-1]
        status, queue = call("GET", f"{origin}/api/v1/moderation/queue?status=pending",
                             token=token)
        assert status == 200
        assert comment_id in [c["id"] for c in queue["comments"]]

        status, decided = call(
            "POST", f"{origin}/api/v1/moderation/comments/{comment_id}/decision",
            payload={"action": "approve"}, token=token)
        assert status == 200, decided
        assert decided["status"] == "approved"

        status, after = call("GET", comments)
        published = {c["id"]: c for c in after["comments"]}
        assert published[comment_id]["body"] == body
        assert published[comment_id]["author"] == "검증"

        with urllib.request.urlopen(f"{origin}/demo/articles/{SLUG}", timeout=20) as page:  # noqa: S310
            assert page.status == 200
            html = page.read().decode()
        assert '<html lang="ko" dir="ltr">' in html
        thread_page = f"{origin}/embed/thread?{urlencode({'url': article})}"
        assert f'src="{thread_page.removeprefix(origin)}"' in html.replace("&amp;", "&")
        with urllib.request.urlopen(thread_page, timeout=20) as page:  # noqa: S310
            assert "검증" in page.read().decode()

        assert server.stop() == 0

    announcement = f"Tribune is serving on {origin}/"
    log = server.output()
    assert log.count(announcement) == 1
    assert '"POST /api/v1/comments HTTP/1.1" 202' in log
    # The server's own address, where it says so; no client's address anywhere.
    rest = log.replace(announcement, "").replace(f"Listening at: {origin}", "")
    assert "127.0.0.1" not in rest
    assert USER_AGENT not in log
