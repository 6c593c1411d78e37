"""The one small exception hierarchy services raise.

HTTP layers turn these into responses in one place each: the JSON API into
``{"error": {"code", "message", "field"?}}`` with ``status``, the HTML views into
a re-shown form or an error page.
"""

from __future__ import annotations


class TribuneError(Exception):
    """A refusal a person can understand; never a server fault."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


class InvalidInput(TribuneError):
    status = 400
    code = "invalid"


class NotFound(TribuneError):
    status = 404
    code = "not_found"


class PermissionDenied(TribuneError):
    status = 403
    code = "forbidden"


class Conflict(TribuneError):
    status = 409
    code = "conflict"
