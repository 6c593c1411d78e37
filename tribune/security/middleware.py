"""Security headers on every answer Tribune gives.

Django's ``SecurityMiddleware`` already sends ``X-Content-Type-Options``,
``Referrer-Policy``, ``Cross-Origin-Opener-Policy`` and (in production) HSTS;
``XFrameOptionsMiddleware`` sends ``X-Frame-Options: DENY``; django-csp's
middleware sends the strict Content-Security-Policy of ``CONTENT_SECURITY_POLICY``
in tribune/settings.py to every response that does not carry its own (the
reader's pages set one with ``frame-ancestors`` for their site's origins). This
adds a Permissions-Policy that turns off powerful features no Tribune page uses
(Django has no setting for it).

The policy allows no inline script, no inline style, no ``eval`` and nothing
from any other origin: an injected ``<script>``, ``onerror=`` or ``style=``
does nothing even if escaping ever failed.
"""

from __future__ import annotations

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
