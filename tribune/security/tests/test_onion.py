"""Tribune as a Tor onion service beside the clear-web one (issue #15): a real
``tribune serve`` with the production settings, asked with ``Host`` and
``Origin`` headers naming ``.onion`` hosts. Over plain HTTP on the onion host
only: no redirect, no HSTS, cookies without ``Secure`` that still come back,
CSRF and the no-JS form working; the clear web keeps HTTPS, and names the
onion service in ``Onion-Location``."""

from __future__ import annotations

import http.client
import json
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from tribune.core.hosts import is_onion_host
from tribune.security.tests.test_deploy import PRODUCTION

# Version 3 onion names are 56 base32 characters.
TRIBUNE_ONION = "tribunexxhwq7ctnp5xvxyl7uwuiqmtdb6ls3k5ynr4v2lz6jbqf4ad"[:56] + ".onion"
PUBLISHER_ONION = "newsxxxxxxhwq7ctnp5xvxyl7uwuiqmtdb6ls3k5ynr4v2lz6jbqf4ad"[:56] + ".onion"
ONION_ARTICLE = f"http://{PUBLISHER_ONION}/2026/12/report"
ONION_ENV = {
    **PRODUCTION,
    "TRIBUNE_ALLOWED_HOSTS": f"comments.example.org,127.0.0.1,{TRIBUNE_ONION}",
    "TRIBUNE_ONION_ORIGIN": f"http://{TRIBUNE_ONION}",
}


def _ask(server_url: str, method: str, path: str, headers: dict[str, str],
         body: str | None = None) -> tuple[http.client.HTTPResponse, str]:
    host, port = server_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response, text


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    """Each cookie set, by name: its whole Set-Cookie line."""
    return {line.split("=", 1)[0]: line for line in response.headers.get_all("Set-Cookie") or []}


def test_onion_hosts_are_recognised():
    assert is_onion_host(TRIBUNE_ONION) and is_onion_host(f"{TRIBUNE_ONION.upper()}:80")
    assert not is_onion_host("onion") and not is_onion_host(".onion")
    assert not is_onion_host("comments.example.org") and not is_onion_host("onion.example.org")


def test_the_onion_configuration(fresh_tribune):
    cli = fresh_tribune
    cli.env.update(ONION_ENV)
    cli.run("migrate", "--verbosity", "0")
    # The publisher's onion mirror is accepted as an origin of their site.
    added = cli.run("site", "add", "https://news.example.org", "--origin",
                    f"http://{PUBLISHER_ONION}").stdout
    assert f"http://{PUBLISHER_ONION}" in added

    with cli.serving(workers=1) as server:
        url = server.url
        # The clear web: plain HTTP redirected; HTTPS with HSTS and Onion-Location.
        plain, _ = _ask(url, "GET", "/moderate/login/", {"Host": "comments.example.org"})
        assert plain.status == 301
        clear, _ = _ask(url, "GET", "/moderate/login/?next=%2Fmoderate%2F",
                        {"Host": "comments.example.org", "X-Forwarded-Proto": "https"})
        assert clear.status == 200 and clear.getheader("Strict-Transport-Security")
        assert clear.getheader("Onion-Location") == (
            f"http://{TRIBUNE_ONION}/moderate/login/?next=%2Fmoderate%2F")
        assert _cookies(clear)["__Host-csrftoken"].count("Secure") == 1

        # The onion host over plain HTTP: served, no HSTS, no Onion-Location,
        # cookies that work over HTTP.
        onion = {"Host": TRIBUNE_ONION}
        login, _ = _ask(url, "GET", "/moderate/login/", onion)
        assert login.status == 200
        assert login.getheader("Strict-Transport-Security") is None
        assert login.getheader("Onion-Location") is None
        [csrf_line] = _cookies(login).values()
        assert csrf_line.startswith("csrftoken=") and "Secure" not in csrf_line
        assert "HttpOnly" in csrf_line and "SameSite=Lax" in csrf_line

        # The no-JS thread page and its form, posted back over the onion host.
        path = "/embed/thread?" + urlencode({"url": ONION_ARTICLE})
        page, html = _ask(url, "GET", path, onion)
        assert page.status == 200 and page.getheader("Strict-Transport-Security") is None
        csrf = SimpleCookie(_cookies(page)["csrftoken"])["csrftoken"].value
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
        assert "csrfmiddlewaretoken" in fields and "issued" in fields
        form = fields | {"author": "Reader over Tor", "body": "Sent through the onion service.",
                         "leave_empty": ""}
        posted, _ = _ask(url, "POST", path, onion | {
            "Origin": f"http://{TRIBUNE_ONION}", "Cookie": f"csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded"}, urlencode(form))
        assert posted.status == 303, posted.status
        assert posted.getheader("Location").startswith("/embed/thread?")
        assert posted.getheader("Strict-Transport-Security") is None
        commenter = _cookies(posted)["tribune_commenter"]
        assert "Secure" not in commenter and "HttpOnly" in commenter
        # Without the token, the same post is refused: CSRF still guards it.
        forged, _ = _ask(url, "POST", path, onion | {
            "Origin": f"http://{TRIBUNE_ONION}",
            "Content-Type": "application/x-www-form-urlencoded"}, urlencode(form))
        assert forged.status == 403

        # The widget's API from the publisher's onion page.
        api, body = _ask(url, "POST", "/api/v1/comments", onion | {
            "Origin": f"http://{PUBLISHER_ONION}", "Content-Type": "application/json"},
            json.dumps({"url": ONION_ARTICLE, "author": "Widget",
                        "body": "From the onion widget."}))
        assert api.status == 202, body
        assert api.getheader("Access-Control-Allow-Origin") == f"http://{PUBLISHER_ONION}"
        assert api.getheader("Strict-Transport-Security") is None
        read, _ = _ask(url, "GET", "/api/v1/comments?" + urlencode({"url": ONION_ARTICLE}),
                       onion)
        assert read.status == 200 and read.getheader("Strict-Transport-Security") is None

        # A host that merely ends in "onion" is not an onion host: not allowed here.
        other, _ = _ask(url, "GET", "/moderate/login/", {"Host": "fakeonion"})
        assert other.status == 400
