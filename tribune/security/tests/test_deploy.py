"""The production settings: ``tribune check --deploy`` is clean, and a server
started with them sends HSTS, redirects plain HTTP and keeps its cookies to
HTTPS and this host."""

from __future__ import annotations

import http.client

PRODUCTION = {
    "TRIBUNE_SECURE_COOKIES": "1",
    "TRIBUNE_ALLOWED_HOSTS": "comments.example.org,127.0.0.1",
    "TRIBUNE_SECRET_KEY": "k7#Qz0p!vN3r$Lw8Xc2@Hj5tYb9&Fm1sGd4^Ue6*Ra0)Pi7_Oo3+Nn8=Mm2",
    "TRIBUNE_TRUSTED_PROXIES": "127.0.0.1",
}


def test_check_deploy_is_clean(fresh_tribune):
    cli = fresh_tribune
    cli.env.update(PRODUCTION)
    result = cli.run("check", "--deploy", "--fail-level", "WARNING")
    assert "System check identified no issues" in result.stdout


def test_check_deploy_complains_without_https(fresh_tribune):
    cli = fresh_tribune
    cli.env.update({**PRODUCTION, "TRIBUNE_SECURE_COOKIES": "0"})
    result = cli.run("check", "--deploy", "--fail-level", "WARNING", check=False)
    assert result.returncode != 0
    assert "security.W012" in result.stderr  # SESSION_COOKIE_SECURE


def _get(server_url: str, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    host, port = server_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def test_a_production_server_sends_hsts_and_host_only_cookies(fresh_tribune):
    cli = fresh_tribune
    cli.env.update(PRODUCTION)
    cli.run("migrate", "--verbosity", "0")
    with cli.serving(workers=1) as server:
        plain = _get(server.url, "/moderate/login/", {"Host": "comments.example.org"})
        assert plain.status == 301
        assert plain.getheader("Location") == "https://comments.example.org/moderate/login/"

        # As the TLS-terminating proxy forwards it.
        secure = _get(server.url, "/moderate/login/", {
            "Host": "comments.example.org", "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "198.51.100.7",
        })
        assert secure.status == 200
        assert secure.getheader("Strict-Transport-Security") == (
            "max-age=31536000; includeSubDomains")
        cookie = secure.getheader("Set-Cookie")
        assert cookie.startswith("__Host-csrftoken=")
        for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert flag in cookie
        assert "Domain" not in cookie
        assert "script-src 'self'" in secure.getheader("Content-Security-Policy")

        # Load balancers ask for /healthz over plain HTTP.
        assert _get(server.url, "/healthz", {"Host": "127.0.0.1"}).status == 200
