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
api.add_router("/", "tribune.api.reports.router")  # readers' reports of comments
api.add_router("/me/", "tribune.api.me.router")  # a reader's own data
api.add_router("/", threads_router)


# Every operation that takes a parameter or a body can answer 400: errors.py turns
# any validation failure (a path id that is not a number…) into one. The schema
# says so for each, also where a router's declaration left it out (checked by
# tribune/security/tests/test_openapi.py).
_openapi_schema = api.get_openapi_schema


def _openapi_schema_with_input_errors(*args, **kwargs):
    schema = _openapi_schema(*args, **kwargs)
    bad_request = {
        "description": "Bad Request",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
    }
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            if operation.get("parameters") or operation.get("requestBody"):
                responses = operation.setdefault("responses", {})
                if 400 not in responses and "400" not in responses:
                    responses[400] = bad_request
    return schema


api.get_openapi_schema = _openapi_schema_with_input_errors
