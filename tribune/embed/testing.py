"""A publisher's page on another origin, for tests of the widget in a browser."""

from __future__ import annotations

import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

# The few lines a publisher's page needs to fit Tribune's frame (docs/embed.md);
# the demo's article pages use the same file.
FIT_FRAME_JS = Path(__file__).resolve().parents[1] / "demo" / "static" / "demo" / "fit-frame.js"


class HostSite:
    """A publisher's article on http://127.0.0.1:PORT with the widget's script tag
    (its ``attributes`` are the tag's data attributes). With ``strict_csp`` the page
    allows nothing but Tribune's origin, as a careful publisher's would.

    With ``frame`` the article shows Tribune's thread page in an ``<iframe>``
    instead, after ``paragraphs`` paragraphs of text, with the script that fits
    the frame. ``hostname`` ``localhost`` puts the page on the same site as a
    live server at localhost (another port is another origin), as a newsroom's
    www and comments hosts are: a framed form's SameSite=Lax cookies are sent.
    """

    def __init__(self, tribune: str, *, strict_csp: bool = True, frame: bool = False,
                 paragraphs: int = 1, hostname: str = "127.0.0.1"):
        self.tribune = tribune
        self.attributes: dict[str, str] = {}
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server interface
                if self.path == "/fit-frame.js":
                    self._send(FIT_FRAME_JS.read_bytes(), "text/javascript; charset=utf-8")
                    return
                attrs = " ".join(f'{k}="{escape(v)}"' for k, v in host.attributes.items())
                article = host.origin + self.path.split("?")[0]
                if frame:
                    comments = (
                        f'<iframe id="tribune-comments" title="Comments" src="{host.tribune}'
                        f'/embed/thread?url={quote(article, safe="")}"></iframe>'
                        '<script src="/fit-frame.js"></script>'
                    )
                else:
                    comments = (
                        f'<script src="{host.tribune}/embed.js" {attrs} async></script>'
                        f'<noscript><a href="{host.tribune}/embed/thread">Comments</a></noscript>'
                    )
                body = (
                    "<!doctype html><html lang=en><head><meta charset=utf-8>"
                    "<title>Host article</title></head><body><article><h1>Host article</h1>"
                    + "<p>Text of the article.</p>" * paragraphs
                    + f"</article>{comments}</body></html>"
                ).encode()
                csp = None
                if strict_csp:
                    own = " 'self'" if frame else ""
                    csp = (
                        f"default-src 'none'; script-src {host.tribune}{own}; "
                        f"style-src {host.tribune}; font-src {host.tribune}; "
                        f"connect-src {host.tribune}; "
                        f"frame-src {host.tribune}; "
                        "img-src 'none'; base-uri 'none'; form-action 'none'"
                    )
                self._send(body, "text/html; charset=utf-8", csp)

            def _send(self, body: bytes, content_type: str, csp: str | None = None):
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                if csp:
                    self.send_header("Content-Security-Policy", csp)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://{hostname}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
