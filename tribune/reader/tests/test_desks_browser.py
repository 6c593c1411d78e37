"""Every desk of the demo as its readers see it, in Chromium at a phone's and a
desktop's width, on a machine without the fonts Tribune serves.

For each desk's thread page (no JavaScript), widget, Terms of Use page and report
form: no string of the English catalogue on a non-English desk's page, ``lang``
and ``dir`` right, every character drawn with a real glyph (each text node's
characters covered by the fonts Chromium says drew it — DevTools'
``CSS.getPlatformFontsForNode`` — and, for the scripts Tribune serves fonts
for, by Tribune's own web font), lines broken where the script breaks them, and
axe-core (WCAG 2.1 AA) with no critical or serious violation and no "needs
review" finding of ours.

The browser runs with a fontconfig configuration of its own that hides every
installed font covering Tibetan, Arabic, Burmese, Khmer or Lao except Debian's
default DejaVu: only Tribune's web fonts can draw Tibetan, Burmese and Khmer
there, so the glyph checks fail if a served font is missing or not used. The
demo is served by ``tribune serve`` (its own database), once for the module, and
one browser serves every test.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import shutil
import subprocess
import unicodedata
import urllib.request
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import (
    CHROMIUM_ARGS,
    IN_CI,
    TribuneCLI,
    _chromium_path,
    free_port,
    fresh_database,
)
from tribune.demo.content import ARTICLES, DESKS

pytestmark = [pytest.mark.browser]

LOCALE = Path(__file__).resolve().parents[2] / "locale"
FONTS = Path(__file__).resolve().parents[1] / "static" / "reader" / "fonts"
WIDTHS = (1280, 360)
# The scripts Tribune serves a font for: a letter of each, the desk that writes
# it, and the font's file.
SERVED = {
    "bo": ("\u0f40", "tribune-tibetan.woff2"),
    "ug": ("\u06d5", "tribune-arabic.woff2"),
    "my": ("\u1000", "tribune-myanmar.woff2"),
    "km": ("\u1780", "tribune-khmer.woff2"),
    "lo": ("\u0e81", "tribune-lao.woff2"),
}
SCRIPT_RANGES = {"bo": (0x0F00, 0x0FFF), "ug": (0x0600, 0x06FF), "my": (0x1000, 0x109F),
                 "km": (0x1780, 0x17FF), "lo": (0x0E80, 0x0EFF)}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FIRST_ARTICLE = {}
for _article in ARTICLES:
    FIRST_ARTICLE.setdefault(_article.desk, _article)


# --- The served demo and the browser -------------------------------------------------


@pytest.fixture(scope="module")
def fonts_conf(tmp_path_factory) -> Path:
    """A fontconfig configuration: the system's, less every font but DejaVu that
    covers a script Tribune serves a font for."""
    if shutil.which("fc-list") is None or not subprocess.run(
            ["fc-list", ":charset=ac00", "file"], capture_output=True, text=True).stdout.strip():
        reason = ("The desks' browser tests need fontconfig and a Korean and Chinese font "
                  "(Debian: apt-get install fontconfig fonts-noto-cjk).")
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    hidden = set()
    for letter, _file in SERVED.values():
        listed = subprocess.run(["fc-list", f":charset={ord(letter):x}", "file"],
                                capture_output=True, text=True, check=True).stdout
        hidden |= {line.split(":")[0].strip() for line in listed.splitlines() if line.strip()}
    hidden = sorted(path for path in hidden if "/dejavu/" not in path.lower())
    folder = tmp_path_factory.mktemp("fontconfig")
    rejects = "".join(f"<glob>{path}</glob>" for path in hidden)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="no">/etc/fonts/fonts.conf</include>'
        f"<selectfont><rejectfont>{rejects}</rejectfont></selectfont>"
        f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>")
    return conf


@pytest.fixture(scope="module")
def desk_browser(fonts_conf, playwright_session):
    # A Chromium of its own, launched from the session's one Playwright driver,
    # that sees only the fonts fonts_conf allows.
    env = dict(os.environ, FONTCONFIG_FILE=str(fonts_conf))
    chromium = playwright_session.chromium.launch(
        executable_path=_chromium_path(), headless=True, env=env, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """``tribune demo`` served by ``tribune serve``, with the id of a published
    comment of each desk (for its report form)."""
    workdir = tmp_path_factory.mktemp("desks")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with fresh_database(workdir) as env:
        cli = TribuneCLI(workdir, env)
        cli.run("migrate", "--verbosity", "0")
        cli.run("demo", "--origin", base, "--password", "desks-browser-password")
        with cli.serving(port=port, workers=1) as server:
            yield server.url


def _published(base: str, article_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/api/v1/comments?url={quote(article_url)}") as answer:  # noqa: S310 - our own server
        return json.loads(answer.read())["comments"]


@pytest.fixture(scope="module")
def pages(desk_browser):
    """Two pages reused by every test: the widget's host page, and Tribune's own
    pages. Those carry no script unless framed (reader/base.html), so JavaScript
    is left on there for axe-core, which runs in the page."""
    context = desk_browser.new_context()
    context.set_default_timeout(20_000)
    yield context.new_page(), context.new_page()
    context.close()


# --- What a page says and draws ---------------------------------------------------------


@cache
def _catalogue(language: str) -> dict:
    """msgid → msgstr of a desk's compiled catalogue ({} for English)."""
    if language == "en":
        return {}
    folder = language.split("-")[0] + ("_" + language.split("-")[1].title()
                                       if "-" in language else "")
    mo = LOCALE / folder / "LC_MESSAGES" / "django.mo"
    if not mo.exists():
        return {}
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # noqa: SLF001 - the msgids


@cache
def _english_msgids() -> tuple[str, ...]:
    """Every msgid of every catalogue: the English a reader page may show."""
    ids: set[str] = set()
    for mo in LOCALE.glob("*/LC_MESSAGES/django.mo"):
        with mo.open("rb") as handle:
            for key in gettext.GNUTranslations(handle)._catalog:  # noqa: SLF001
                text = key[0] if isinstance(key, tuple) else key
                if text:
                    ids.add(text.split("\x04")[-1])
    return tuple(sorted(ids))


_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sd]|\{\{[^}]*\}\}|<[^>]+>|\{\w+\}")


def _fragments(msgid: str) -> list[str]:
    """The runs of English words a msgid shows whatever fills its placeholders."""
    found = []
    for part in _PLACEHOLDER.split(msgid):
        part = part.strip(" .,:;–-—()“”\"'\n")
        if len(re.findall(r"[A-Za-z]", part)) >= 4:
            found.append(part)
    return found


def english_on(text: str, language: str) -> list[str]:
    """The catalogue's English found in ``text`` (of a desk in ``language``)."""
    translated = _catalogue(language)
    found = []
    for msgid in _english_msgids():
        own = translated.get(msgid)
        if own is not None and own == msgid:
            continue  # the same in this language (a name, a code)
        for fragment in _fragments(msgid):
            if re.search(rf"(?<![A-Za-z]){re.escape(fragment)}(?![A-Za-z])", text):
                found.append(fragment)
    return sorted(set(found))


READABLE_TEXT = """(root) => {
  const parts = [];
  const walk = (node) => {
    if (node.nodeType === Node.ELEMENT_NODE) {
      for (const name of ["aria-label", "placeholder", "title", "alt"]) {
        if (node.hasAttribute(name)) parts.push(node.getAttribute(name));
      }
      if (node.shadowRoot) walk(node.shadowRoot);
    }
    for (const child of node.childNodes) walk(child);
  };
  walk(root);
  const inner = (n) => n.innerText !== undefined ? n.innerText :
    Array.from(n.children).map(inner).join("\\n");
  parts.push(inner(root));
  document.querySelectorAll(".tribune-comments").forEach(
    (host) => host.shadowRoot && parts.push(inner(host.shadowRoot)));
  return parts.join("\\n");
}"""


def readable_text(page, selector: str = "body") -> str:
    """What a reader sees or hears in ``selector`` (the page's title too for
    Tribune's own pages)."""
    text = page.locator(selector).first.evaluate(READABLE_TEXT)
    return text if selector != "body" else f"{page.title()}\n{text}"


@cache
def _cmap_of_file(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=0, lazy=True)
    return frozenset(font.getBestCmap() or {})


@cache
def _system_font_file(postscript: str, family: str) -> str | None:
    listed = subprocess.run(["fc-list", f":postscriptname={postscript}", "file"],
                            capture_output=True, text=True).stdout.strip()
    if not listed:
        listed = subprocess.run(["fc-list", f"{family}", "file"],
                                capture_output=True, text=True).stdout.strip()
    return listed.splitlines()[0].split(":")[0].strip() if listed else None


def _drawn(char: str) -> bool:
    """Whether a character is drawn at all (not a space, mark of layout or control)."""
    return not (char.isspace() or unicodedata.category(char) in ("Cf", "Cc", "Zs"))


def undrawn(page, fonts_env: dict, served_file: str | None) -> list[str]:
    """Text of the page (shadow roots included) with characters no font that drew
    it has a glyph for; with ``served_file``, also text of that script not drawn by
    Tribune's web font."""
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
        problems: list[str] = []

        def visit(node: dict) -> None:
            children = node.get("children", []) + node.get("shadowRoots", [])
            text = "".join(c.get("nodeValue", "") for c in node.get("children", [])
                           if c.get("nodeType") == 3)
            if node.get("nodeType") == 1 and node.get("nodeName") not in (
                    "SCRIPT", "STYLE", "TITLE", "TEXTAREA", "OPTION") and text.strip():
                fonts = session.send("CSS.getPlatformFontsForNode",
                                     {"nodeId": node["nodeId"]})["fonts"]
                if not fonts:  # not rendered (hidden)
                    text = ""
                covered: set[int] = set()
                custom = False
                for font in fonts:
                    if font["isCustomFont"]:
                        custom = True
                        if served_file:
                            covered |= _cmap_of_file(str(FONTS / served_file))
                        continue
                    file = _system_font_file(font["postScriptName"], font["familyName"])
                    if file:
                        covered |= _cmap_of_file(file)
                missing = {c for c in text if _drawn(c) and ord(c) not in covered}
                if missing:
                    problems.append(f"{text.strip()[:40]!r}: no glyph for "
                                    f"{''.join(sorted(missing))!r} in {fonts}")
                if served_file and any(fonts_env["low"] <= ord(c) <= fonts_env["high"]
                                       for c in text) and not custom:
                    problems.append(f"{text.strip()[:40]!r} not drawn by Tribune's font: {fonts}")
            for child in children:
                visit(child)

        visit(root)
        return problems
    finally:
        session.detach()


def axe_findings(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "resultTypes": ["violations", "incomplete"],
    }).response
    found = [f"violation {v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
             for v in results["violations"] if v.get("impact") in ("critical", "serious")]
    found += [f"needs review {v['id']}: {[n['target'] for n in v['nodes']][:3]}"
              for v in results["incomplete"]]
    return found


LINE_ENDS = """([selector, inWidget]) => {
  // The last character before each line break, in every element matched.
  const root = inWidget ? document.querySelector(".tribune-comments").shadowRoot : document;
  const ends = [];
  for (const element of root.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let previous = null, top = null;
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        const blank = !node.data[i].trim();
        if (!rect || (blank && rect.width === 0)) {  // a collapsed or hanging space
          if (blank && previous !== null) previous = " ";
          continue;
        }
        if (top !== null && rect.top > top + 2 && previous !== null) {
          ends.push([previous, node.data[i]]);
        }
        if (top === null || rect.top > top + 2) top = rect.top;
        previous = blank ? " " : node.data[i];
      }
    }
  }
  return ends;
}"""


# --- The tests ------------------------------------------------------------------------------


def _surfaces(page, nojs, base: str, desk, width: int):
    """Each surface of the desk, loaded: (name, page) pairs."""
    article = FIRST_ARTICLE[desk.code]
    url = f"{base}{article.path}"
    for tab in (page, nojs):
        tab.set_viewport_size({"width": width, "height": 900})
    nojs.goto(f"{base}/embed/thread?url={quote(url)}")
    yield "thread page", nojs
    host = f"{base}/__host/{desk.code}"
    page.route(host, lambda route: route.fulfill(
        content_type="text/html; charset=utf-8",
        body=("<!doctype html><html lang=en><head><meta charset=utf-8><title>Article</title>"
              f"</head><body><main><script src=\"{base}/embed.js\" data-url=\"{url}\" "
              f"data-desk=\"{desk.code}\" async></script></main></body></html>")))
    page.goto(host)
    page.locator(".tribune-comments .trb-comments").wait_for()
    page.wait_for_function("document.fonts.status === 'loaded'")
    yield "widget", page
    page.unroute(host)
    terms_href = nojs.locator("a[href*='/terms/']").first.get_attribute("href")
    site_id = re.search(r"/terms/(\d+)", terms_href)[1]
    nojs.goto(f"{base}/terms/{site_id}?url={quote(url)}")
    yield "Terms of Use", nojs
    comment = _published(base, url)[0]["id"]
    nojs.goto(f"{base}/embed/report?comment={comment}")
    yield "report form", nojs


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("desk", DESKS, ids=[d.code for d in DESKS])
def test_each_desk_is_in_its_language_and_script(demo_server, pages, desk, width):
    page, nojs = pages
    served = SERVED.get(desk.language)
    low, high = SCRIPT_RANGES.get(desk.language, (0, -1))
    problems: list[str] = []
    for name, tab in _surfaces(page, nojs, demo_server, desk, width):
        scope = ".tribune-comments" if name == "widget" else "html"
        if name == "widget":
            box = tab.locator(".tribune-comments .trb")
            lang, direction = box.get_attribute("lang"), box.get_attribute("dir")
        else:
            lang = tab.locator("html").get_attribute("lang")
            direction = tab.locator("html").get_attribute("dir")
        if (lang, direction) != (desk.language, desk.direction):
            problems.append(f"{name}: lang={lang} dir={direction}")
        if desk.language != "en":
            english = english_on(readable_text(tab, scope if name == "widget" else "body"),
                                 desk.language)
            if english:
                problems.append(f"{name}: English {english}")
        tab.evaluate("document.fonts.ready.then(() => true)")
        for problem in undrawn(tab, {"low": low, "high": high},
                               served[1] if served else None):
            problems.append(f"{name}: {problem}")
        for finding in axe_findings(tab):
            problems.append(f"{name}: axe {finding}")
    assert not problems, "\n".join(problems)


# Where a line may end, by desk: the characters a line of the script may end
# with, and the script's letters (only breaks before one of those are checked).
BREAKS = {
    # Korean breaks between words only (keep-all): a line ends at a space.
    "ko": ((" ",), (0xAC00, 0xD7A3)),
    # Tibetan breaks after the tsheg or the shad (or at a space).
    "bo": (("\u0f0b", "\u0f0d", " "), (0x0F40, 0x0FBC)),
}


@pytest.mark.parametrize("code", sorted(BREAKS))
def test_lines_break_where_the_script_breaks_them(demo_server, pages, code):
    page, nojs = pages
    desk = next(d for d in DESKS if d.code == code)
    allowed, (low, high) = BREAKS[code]
    for name, tab in _surfaces(page, nojs, demo_server, desk, 360):
        if name not in ("thread page", "widget"):
            continue
        selector = ".trb p, .trb h2, .trb h3" if name == "widget" else "p, h1, .comment-body"
        ends = [(end, following) for end, following
                in tab.evaluate(LINE_ENDS, [selector, name == "widget"])
                if following and low <= ord(following) <= high]
        assert ends, f"{name}: no line of the script was broken at 360 px; nothing was checked"
        wrong = [end + following for end, following in ends if end not in allowed]
        assert not wrong, f"{name}: lines broken inside a word, at {wrong}"
