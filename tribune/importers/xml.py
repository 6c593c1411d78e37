"""Streaming, hostile-file-proof XML reading for the Disqus and WordPress imports.

defusedxml refuses any DTD, so entity expansion ("billion laughs") and external
entities never run. ``iterparse`` yields each element as it ends; the adapters
remove what they have read from its parent, so memory holds one record at a
time, however large the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from .engine import ImportRefused


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
    try:
        for event, elem in iterparse(fileobj, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                stack.append(elem)
                yield event, elem, stack[:-1]
            else:
                stack.pop()
                yield event, elem, stack
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
