"""``/embed.js`` and ``/embed.css``, served by WhiteNoise.

The files are this app's ``assets``. When a web process starts, they are copied
with their gzipped forms (WhiteNoise's own compressor) into a folder named by
their content under ``var/widget/`` (made once per content, by whichever process
comes first); :class:`WidgetMiddleware`, WhiteNoise's middleware, serves that
folder at the site's root: gzip when the browser accepts it, 304 on a matching
``If-None-Match``, before the rest of Django's middleware runs.

Headers are the ones the hand-written view sent: an ETag from the content (the
same on every host behind a balancer, where WhiteNoise's own, from the file's
time, would differ), an hour's caching with a day of stale-while-revalidate, and
``Cross-Origin-Resource-Policy: cross-origin``: any page may load the widget (a
page with COEP too); what it may then read is decided by CORS on the API.

Measured against the hand-written view it replaced (commit 7450725), side by side
in one run (``bench/run.py --compare 7450725 --new 12dbce4 --only widget``: 4
rounds of 5 s, ``/embed.js`` gzipped, 32 connections, 2 workers, on a shared
2-core machine): WhiteNoise answers 2.10x as many requests per second (median of
the rounds' ratios; rounds 1.73-2.75x; each side's slowest round 0.52-0.61 of its
fastest), mostly because it answers before the session, locale, CSRF and auth
middleware run.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from whitenoise.compress import Compressor
from whitenoise.middleware import WhiteNoiseMiddleware

ASSETS = Path(__file__).resolve().parent / "assets"
FILES = ("embed.js", "embed.css")
ASSET_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400"


def _etags() -> dict[str, str]:
    return {name: '"' + hashlib.sha256((ASSETS / name).read_bytes()).hexdigest()[:32] + '"'
            for name in FILES}


def widget_folder(etags: dict[str, str]) -> Path:
    """The folder with the widget's files and their ``.gz``, made if missing."""
    content = hashlib.sha256("".join(etags[name] for name in FILES).encode()).hexdigest()
    home = Path(settings.VAR_DIR) / "widget"
    folder = home / content[:16]
    if folder.is_dir():
        return folder
    home.mkdir(parents=True, exist_ok=True)
    making = Path(tempfile.mkdtemp(dir=home, prefix=".making-"))
    compressor = Compressor(use_brotli=False, quiet=True)
    for name in FILES:
        shutil.copy2(ASSETS / name, making / name)
        compressor.compress(str(making / name))
    os.chmod(making, 0o755)  # noqa: S103 - public files, served to anyone
    try:
        os.rename(making, folder)
    except OSError:  # another process made it first: the same content
        shutil.rmtree(making, ignore_errors=True)
    return folder


class WidgetMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise's middleware (static files as before), serving the widget's
    files at the root as well."""

    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings=settings)
        etags = _etags()
        folder = widget_folder(etags)
        others = self.add_headers_function

        def headers(headers, path, url):
            if others is not None:
                others(headers, path, url)
            name = url.lstrip("/")
            if name in etags and Path(path).parent == folder:
                headers["ETag"] = etags[name]
                headers["Cache-Control"] = ASSET_CACHE_CONTROL
                headers["Cross-Origin-Resource-Policy"] = "cross-origin"

        self.add_headers_function = headers
        try:
            self.add_files(str(folder), prefix="/")
        finally:
            self.add_headers_function = others


