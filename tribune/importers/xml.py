"""Streaming, hostile-file-proof XML reading for the Disqus and WordPress imports.

defusedxml refuses any DTD, so entity expansion ("billion laughs") and external
entities never run. ``iterparse`` yields each element as it ends; the adapters
remove what they have read from its parent, so memory holds one record at a
time, however large the file.

A crafted file could still hold memory or time through what one record is, so
three bounds hold, each far above any real export (issue #20): no element
nests deeper than :data:`DEPTH_MAX` (the list of open elements is copied at
each start); no stretch of :data:`STRETCH_BYTES_MAX` bytes goes by without an
element starting or ending (one huge text or tag is refused as it is read, not
after it is held whole); and no open element holds more than :data:`HELD_MAX`
children the adapters have not taken away (each record would scan them).
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from .engine import ImportRefused

# A WordPress export nests 5 deep, Disqus 3; a comment is at most some kB.
DEPTH_MAX = 32
STRETCH_BYTES_MAX = 16 * 1024 * 1024
HELD_MAX = 1000
_READ_SIZE = 64 * 1024


class _TooLong(Exception):
    pass


class _Metered:
    """The file, counting bytes read since the last element started or ended."""

    def __init__(self, raw):
        self.raw = raw
        self.position = 0
        self.mark = 0

    def read(self, size: int = -1):
        data = self.raw.read(size if size and size > 0 else _READ_SIZE)
        self.position += len(data)
        if self.position - self.mark > STRETCH_BYTES_MAX:
            raise _TooLong
        return data


def local(tag: str) -> str:
    """The name without its namespace: ``{http://disqus.com}post`` → ``post``."""
    return tag.rsplit("}", 1)[-1]


def child_text(elem: Element, name: str) -> str:
    for child in elem:
        if local(child.tag) == name:
            return child.text or ""
    return ""


def child(elem: Element, name: str) -> Element | None:
    for c in elem:
        if local(c.tag) == name:
            return c
    return None


def attr(elem: Element, name: str) -> str:
    for key, value in elem.attrib.items():
        if local(key) == name:
            return value
    return ""


def events(fileobj, *, kind: str) -> Iterator[tuple[str, Element, list[Element]]]:
    """``(event, element, open elements)``; ``open`` excludes the element itself
    at its end. Every parse failure becomes an :class:`ImportRefused` naming
    the place in the file."""
    stack: list[Element] = []
    metered = _Metered(fileobj)
    try:
        for event, elem in iterparse(metered, events=("start", "end"), forbid_dtd=True):
            metered.mark = metered.position
            if event == "start":
                stack.append(elem)
                if len(stack) > DEPTH_MAX:
                    raise ImportRefused(_(
                        "Elements of the file nest more than %(max)d deep (at byte "
                        "%(at)d), which no %(kind)s export does. Nothing was imported.")
                        % {"max": DEPTH_MAX, "at": metered.position, "kind": kind})
                yield event, elem, stack[:-1]
            else:
                stack.pop()
                if stack and len(stack[-1]) > HELD_MAX:
                    raise ImportRefused(_(
                        "A <%(tag)s> of the file holds more than %(max)d elements (at byte "
                        "%(at)d), which no %(kind)s export does. Nothing was imported.")
                        % {"tag": local(stack[-1].tag)[:40], "max": HELD_MAX,
                           "at": metered.position, "kind": kind})
                yield event, elem, stack
    except _TooLong:
        raise ImportRefused(_(
            "More than %(mb)d MB of the file (from byte %(at)d) go by without an element "
            "starting or ending: no comment or %(kind)s record is that long. Nothing was "
            "imported.") % {"mb": STRETCH_BYTES_MAX // (1024 * 1024), "at": metered.mark,
                            "kind": kind}) from None
    except DefusedXmlException:
        raise ImportRefused(_(
            "The file declares a DTD or entities, which a %(kind)s export never has; it is "
            "refused because it could expand into an attack (an XML bomb or an external "
            "entity). Nothing was imported.") % {"kind": kind}) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        message = str(error).split(":")[0]
        hint = ""
        if "invalid token" in message or "encoding" in message:
            hint = _(" The file may not be in the encoding it declares (UTF-8 unless it says "
                     "otherwise).")
        elif "no element found" in message or "unclosed" in message:
            hint = _(" The file seems to be cut short.")
        raise ImportRefused(_(
            "The file is not a well-formed %(kind)s export: %(problem)s at line %(line)d, "
            "column %(column)d.%(hint)s Nothing was imported.")
            % {"kind": kind, "problem": message, "line": line, "column": column + 1,
               "hint": hint}) from None
