"""The JSON API (``/api/v1/``) and its OpenAPI schema."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest
from ninja import NinjaAPI
from ninja.parser import Parser

from tribune import __version__

from . import errors
from .comments import router as comments_router
from .moderation import router as moderation_router
from .threads import router as threads_router


class JsonOnlyParser(Parser):
    """Refuses bodies that are not declared JSON, so a form post cannot be
    mistaken for an API call."""

    def parse_body(self, request: HttpRequest):
        content_type = request.content_type or ""
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise errors.UnsupportedMediaType(content_type)
        return json.loads(request.body.decode("utf-8"))


api = NinjaAPI(
    title="Tribune API",
    version=__version__,
    description=(
        "Comments for news publishers. Every comment is moderated before it is "
        "published; published threads are served from a render made at decision time."
    ),
    urls_namespace="api",
    docs_url=None,  # the interactive docs would load scripts from a third party
    parser=JsonOnlyParser(),
)
errors.install(api)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(
        request, {"error": {"code": "not_found", "message": "No such API endpoint."}}, status=404
    )


api.add_router("/", comments_router)
api.add_router("/moderation/", moderation_router)
api.add_router("/", threads_router)
