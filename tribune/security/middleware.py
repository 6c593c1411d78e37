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

django-csp replaced a hand-written three-line default (commit e10cbdd) because
the page that pays for it cannot tell: the reader's thread page (``/embed/thread``,
every middleware, its own policy) answered 0.92x as many requests with it
(``bench/run.py --compare e10cbdd --new 7450725 --only reader``, median of 4
rounds; rounds 0.76-1.13x, inside each side's own spread of 0.74-0.77). It is not
as cheap as the line it replaced: ``bench/csp_cost.py`` puts it at +0.11 to
+0.15 ms per answer (it builds the policy, and a report-only one, on every
answer), against about 0.015 ms for the hand-written check, on the same loaded
machine. The JSON API's fast paths replay learned headers and do not run it.
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
