"""Cross-origin access to the public API, per registered site.

Only the public reader endpoints are open, and only to the origins of registered
sites, with credentials (the commenter's cookie). Moderation, threads and every
other API path never answer a cross-origin browser: no
``Access-Control-Allow-Origin`` is ever sent for them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from .origins import origin_site_id

PUBLIC_PATHS = (
    "/api/v1/comments",
    "/api/v1/counts",
    "/api/v1/me",
    "/api/v1/reports",
    "/api/v1/stamp",
    "/embed/config",
)
ALLOW_METHODS = "GET, POST, DELETE"
ALLOW_HEADERS = "Content-Type, X-Tribune-Commenter, If-None-Match"
PREFLIGHT_MAX_AGE = "600"


def cors_headers(origin: str | None) -> list[tuple[str, str]]:
    """What an answer (not a preflight) to ``origin`` adds: the allowance, with
    credentials, for a registered site's origin; nothing for any other."""
    if origin_site_id(origin) is None:
        return []
    return [("Access-Control-Expose-Headers", "ETag"), ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Credentials", "true")]


def is_public(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PUBLIC_PATHS)


class SiteCorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_public(request.path):
            return self.get_response(request)
        origin = request.headers.get("Origin")
        preflight = (
            request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers
        )
        if preflight:
            response = HttpResponse(status=204)
            if origin_site_id(origin) is not None:
                response["Access-Control-Allow-Methods"] = ALLOW_METHODS
                response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
                response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
                response["Access-Control-Allow-Origin"] = origin
                response["Access-Control-Allow-Credentials"] = "true"
        else:
            response = self.get_response(request)
            for name, value in cors_headers(origin):
                response[name] = value
        # Public reads are cached by CDNs: the answer depends on the Origin.
        patch_vary_headers(response, ["Origin"])
        return response
