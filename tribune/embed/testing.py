"""A publisher's page on another origin, for tests of the widget in a browser."""

from __future__ import annotations

import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HostSite:
    """A publisher's article on http://127.0.0.1:PORT with the widget's script tag
    (its ``attributes`` are the tag's data attributes). With ``strict_csp`` the page
    allows nothing but Tribune's origin, as a careful publisher's would."""

    def __init__(self, tribune: str, *, strict_csp: bool = True):
        self.tribune = tribune
        self.attributes: dict[str, str] = {}
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server interface
                attrs = " ".join(f'{k}="{escape(v)}"' for k, v in host.attributes.items())
                body = (
                    "<!doctype html><html lang=en><head><meta charset=utf-8>"
                    "<title>Host article</title></head><body><article><h1>Host article</h1>"
                    "<p>Text of the article.</p></article>"
                    f'<script src="{host.tribune}/embed.js" {attrs} async></script>'
                    f'<noscript><a href="{host.tribune}/embed/thread">Comments</a></noscript>'
                    "</body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if strict_csp:
                    self.send_header("Content-Security-Policy", (
                        f"default-src 'none'; script-src {host.tribune}; "
                        f"style-src {host.tribune}; connect-src {host.tribune}; "
                        "img-src 'none'; base-uri 'none'; form-action 'none'"
                    ))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
