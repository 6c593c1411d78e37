"""Serving published renders before Django, as WhiteNoise serves static files.

A warm read of ``GET /api/v1/comments?url=…`` or ``GET /api/v1/counts?url=…`` is a
lookup in the render store (two ``stat()`` calls) and a copy of bytes already in
memory. Going through Django's middleware, URL resolver and django-ninja for that
costs about ten times more than the lookup itself, so :class:`PublishedFastPath`
answers these requests itself when — and only when — it can give exactly the
answer Django would:

* the request is a ``GET`` for one of the two paths, without ``Origin`` or
  ``Cookie`` headers (those go to Django, which answers CORS and cookies), its
  host is one of ``ALLOWED_HOSTS``, and its query holds nothing but ``url``
  parameters;
* every URL asked for is in the render store (a render, or a remembered "no
  comments yet"); a miss, a refusal (unknown site, malformed URL) or anything
  else goes to Django, which reads the database and fills the store;
* Django has already answered that path once in this process, and its response
  headers (security headers added by middleware, ``Vary``…) are copied from that
  answer, so the two paths cannot drift apart. Should a response ever carry
  request-dependent headers (cookies, CORS), the fast path stays off.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from tribune.core.errors import InvalidInput
from tribune.core.hosts import is_onion_host

from .http import JSON_TYPE, content_language, etag_matches, json_etag
from .selectors import _ZERO, url_normalised
from .store import Render, store

COMMENTS_PATH = "/api/v1/comments"
COUNTS_PATH = "/api/v1/counts"
COUNTS_MAX_URLS = 100
# Distinct query strings whose parse is kept (then forgotten all at once).
QUERIES_MAX = 10_000
_UNPARSED = object()
# Set by Django's answer or by the fast path itself, per request.
_OWN_HEADERS = {"date", "server", "content-length", "etag", "content-language",
                "content-type"}
# Headers that answer one request (cookies, CORS), never part of a template.
REQUEST_HEADERS = ("set-cookie", "access-control-")
# What a response may vary on and still be answered here: the fast path serves
# only requests without Origin and Cookie headers (a CDN's, a server's, a
# same-origin page's without cookies), learning the headers from such a request;
# the rest go to Django, which answers CORS and cookies.
_VARY_KNOWN = {"", "accept-language", "origin", "cookie", "accept-encoding"}


def answer_learning(app, environ, start_response, *, status: str, learn):
    """``app``'s answer, whose headers are handed to ``learn`` when its status
    line starts with ``status``: how a fast path learns Django's headers."""

    def capture(status_line, headers, exc_info=None):
        if status_line.startswith(status):
            learn(headers)
        return start_response(status_line, headers, exc_info)

    return app(environ, capture)


def varies_only_on(headers: list[tuple[str, str]], known: set[str]) -> bool:
    """Whether the answer's ``Vary`` names nothing but ``known`` (lower-case; ``""``
    for none): an answer that depends on more is not a template for others."""
    vary = ",".join(v for n, v in headers if n.lower() == "vary").lower()
    return all(part.strip() in known for part in vary.split(","))


def _anonymous(environ) -> bool:
    return "HTTP_ORIGIN" not in environ and "HTTP_COOKIE" not in environ


class PublishedFastPath:
    """WSGI middleware: published renders from the store, everything else to ``app``."""

    def __init__(self, app):
        self.app = app
        self._headers: dict[str, list[tuple[str, str]]] = {}
        self._hosts: dict[str, bool] = {}
        self._queries: dict[str, tuple[str, ...] | None] = {}

    # --- Django's answer, as a template ---------------------------------------------

    def _through(self, environ, start_response, path: str | None):
        if path is None or path in self._headers or not _anonymous(environ):
            return self.app(environ, start_response)
        return answer_learning(self.app, environ, start_response, status="200",
                               learn=lambda headers: self._learn(path, headers))

    def _learn(self, path: str, headers: list[tuple[str, str]]) -> None:
        if any(name.lower().startswith(REQUEST_HEADERS) for name, _value in headers) or (
                not varies_only_on(headers, _VARY_KNOWN)):
            return
        if path in (COMMENTS_PATH, COUNTS_PATH):
            self._headers[path] = [(n, v) for n, v in headers if n.lower() not in _OWN_HEADERS]

    # --- Requests -------------------------------------------------------------------

    def _host_allowed(self, environ) -> bool:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        known = self._hosts.get(host)
        if known is None:
            domain, _port = split_domain_port(host)
            known = bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)
            if len(self._hosts) > 1000:
                self._hosts.clear()
            self._hosts[host] = known
        return known

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path != COMMENTS_PATH and path != COUNTS_PATH:
            return self.app(environ, start_response)
        if is_onion_host(environ.get("HTTP_HOST", "")):
            # Onion hosts get other headers (no HSTS): Django answers them, and
            # what is learned from them never serves the clear web.
            return self.app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "")
        template = self._headers.get(path)
        if (template is None or method != "GET" or not _anonymous(environ)
                or not self._host_allowed(environ)):
            return self._through(environ, start_response, path)
        urls = self._urls(environ.get("QUERY_STRING", ""))
        if urls is None:
            return self._through(environ, start_response, path)
        if path == COMMENTS_PATH:
            answer = self._comments(urls)
        else:
            answer = self._counts(urls)
        if answer is None:
            return self._through(environ, start_response, path)
        body, etag, language = answer
        quoted = f'"{etag}"'
        headers = list(template)
        headers.append(("ETag", quoted))
        headers.append(("Content-Language", content_language(language)))
        if etag_matches(environ.get("HTTP_IF_NONE_MATCH", ""), quoted):
            start_response("304 Not Modified", headers)
            return [b""]
        headers.append(("Content-Type", JSON_TYPE))
        headers.append(("Content-Length", str(len(body))))
        start_response("200 OK", headers)
        return [body]

    def _urls(self, query: str) -> tuple[str, ...] | None:
        """The ``url`` parameters of a query made of nothing else, or None.
        Parsed once per distinct query (widgets on a page repeat theirs)."""
        urls = self._queries.get(query, _UNPARSED)
        if urls is not _UNPARSED:
            return urls
        try:
            params = parse_qsl(query, keep_blank_values=True,
                               max_num_fields=COUNTS_MAX_URLS + 1)
        except ValueError:
            params = []
        urls = None
        if params and all(key == "url" for key, _value in params):
            urls = tuple(value for _key, value in params)
        if len(self._queries) >= QUERIES_MAX:
            self._queries.clear()
        self._queries[query] = urls
        return urls

    def _comments(self, urls: tuple[str, ...]) -> tuple[bytes, str, str] | None:
        if len(urls) != 1:
            return None
        try:
            normalised = url_normalised(urls[0])
        except InvalidInput:
            return None
        found = store().lookup(normalised)
        if not isinstance(found, Render):
            return None
        return found.body, found.etag, found.language

    def _counts(self, urls: tuple[str, ...]) -> tuple[bytes, str, str] | None:
        if len(urls) > COUNTS_MAX_URLS:
            return None
        renders = store()
        if not renders.enabled:
            return None
        epoch = renders.epoch()  # once for the request, not once per URL
        counts: dict[str, int] = {}
        for url in urls:
            try:
                normalised = url_normalised(url)
            except InvalidInput:
                counts[url] = 0
                continue
            found = renders.lookup(normalised, kind="count", epoch=epoch)
            if isinstance(found, Render):
                counts[url] = found.count
            elif found is _ZERO:
                counts[url] = 0
            else:
                return None
        body = json.dumps(counts, ensure_ascii=False, separators=(",", ":")).encode()
        return body, json_etag(body), ""

