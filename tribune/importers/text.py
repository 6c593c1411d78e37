"""Turning a source's text into Tribune's plain text.

Disqus and WordPress store comments as HTML; Tribune stores what a reader would
read: tags removed, entities decoded, paragraphs and line breaks kept as line
breaks, invisible control characters dropped (an import cannot ask the reader
to fix them), Unicode NFC.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

from tribune.core.text import NAME_MAX

_BLOCKS = {"p", "div", "blockquote", "li", "ul", "ol", "pre", "h1", "h2", "h3", "h4", "h5",
           "h6", "tr", "table", "section", "article", "header", "footer"}
_DROP_CONTENT = {"script", "style", "template"}
# A "<" that does not open a tag closed before the next "<" is text: Python's
# HTMLParser rescans from each unfinished tag ("<a<a<a…" took 3.3 s for 20 kB), so
# such a "<" reaches it as "&lt;" (which it decodes back to "<"). Each candidate
# is scanned only up to the next "<": linear in the text.
_STRAY_LT = re.compile(r"<(?!(?:/?[A-Za-z]|!)[^<>]*+>)")


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _DROP_CONTENT:
            self.dropping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _DROP_CONTENT:
            self.dropping = max(0, self.dropping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if not self.dropping:
            self.parts.append(data)


# Control characters other than tab and line feed, C1 controls, bidi
# embeddings/overrides/isolates, lone surrogates and private-use characters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    "\ue000-\uf8ff\U000f0000-\U0010ffff]"
)


def plain(text: str, *, keep_newlines: bool = True) -> str:
    """NFC text without control characters (but line breaks and tabs)."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _INVISIBLE.sub("", text)
    return text if keep_newlines else text.replace("\n", " ")


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags gone, entities decoded, blocks and
    ``<br>`` as line breaks, at most one blank line in a row."""
    parser = _TextParser()
    parser.feed(_STRAY_LT.sub("&lt;", html or ""))
    parser.close()
    text = plain("".join(parser.parts))
    # Whitespace runs inside lines collapse as a browser would show them.
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# The name of an author who gave none (blank in the source).
ANONYMOUS = "Anonymous"


def author_name(value: str, *, default: str = ANONYMOUS) -> str:
    name = re.sub(r"\s+", " ", plain(value or "", keep_newlines=False)).strip()
    return (name or default)[:NAME_MAX]
