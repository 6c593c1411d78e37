"""Bytes a reader of each desk downloads: the no-JS thread page and the widget.

    tribune demo --origin http://127.0.0.1:8000 && tribune serve --port 8000 &
    .venv/bin/python bench/reader_bytes.py --base http://127.0.0.1:8000

For each demo desk, Chromium (Debian's) opens the thread page of the desk's first
article, then a page with the widget's script tag for it, on an empty cache, and
counts the bytes on the wire (compressed as sent, headers included) by kind:
the page's HTML, the API's JSON, CSS, JavaScript, fonts. Twice: on a machine with no font for
Tibetan, Arabic, Burmese, Khmer or Lao (as on a reader's phone without them:
fontconfig hides them from the browser, so Tribune's fonts are downloaded), and
with the machine's fonts (where local() finds them and nothing is downloaded).
Prints a Markdown table (docs/scripts.md holds the last one).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tribune.demo.content import ARTICLES, DESKS  # noqa: E402

HIDDEN_SCRIPTS = ("0f40", "06d5", "1000", "1780", "0e81")  # a letter of each served script


def fonts_conf(folder: Path) -> Path:
    hidden: set[str] = set()
    for letter in HIDDEN_SCRIPTS:
        listed = subprocess.run(["fc-list", f":charset={letter}", "file"],  # noqa: S603, S607
                                capture_output=True, text=True, check=True).stdout
        hidden |= {line.split(":")[0].strip() for line in listed.splitlines() if line.strip()}
    rejects = "".join(f"<glob>{p}</glob>" for p in sorted(hidden) if "/dejavu/" not in p)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<include>/etc/fonts/fonts.conf</include>"
        f"<selectfont><rejectfont>{rejects}</rejectfont></selectfont>"
        f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>")
    return conf


def kind_of(url: str, resource: str) -> str:
    if resource == "font" or url.endswith(".woff2"):
        return "fonts"
    if resource == "stylesheet" or url.endswith(".css"):
        return "CSS"
    if resource == "script" or url.endswith(".js"):
        return "JS"
    if resource in ("fetch", "xhr"):
        return "data"
    return "page"


def measure(browser, base: str, desk_code: str, widget: bool) -> Counter:
    article = next(a for a in ARTICLES if a.desk == desk_code)
    url = f"{base}{article.path}"
    context = browser.new_context()
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})
    kinds: dict[str, tuple[str, str]] = {}
    sizes: Counter = Counter()
    session.on("Network.responseReceived", lambda e: kinds.__setitem__(
        e["requestId"], (e["response"]["url"], e.get("type", "").lower())))
    session.on("Network.loadingFinished", lambda e: sizes.update(
        {kind_of(*kinds.get(e["requestId"], ("", ""))): int(e["encodedDataLength"])}))
    if widget:
        host = f"{base}/__reader-bytes/{desk_code}"
        page.route(host, lambda route: route.fulfill(
            content_type="text/html; charset=utf-8",
            body=(f'<!doctype html><meta charset=utf-8><title>.</title><body><script src="{base}'
                  f'/embed.js" data-url="{url}" data-desk="{desk_code}" async></script>')))
        page.goto(host)
        page.locator(".tribune-comments .trb-comments").wait_for()
    else:
        page.goto(f"{base}/embed/thread?url={quote(url)}")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_timeout(1000)  # the last responses finish
    context.close()
    if widget:
        sizes["page"] = 0  # the host page is the publisher's, not Tribune's
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="a Tribune serving the demo")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        for label, env_extra in (("no script fonts", {"FONTCONFIG_FILE": str(
                fonts_conf(Path(folder)))}), ("machine's fonts", {})):
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, env={**os.environ, **env_extra},
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            for desk in DESKS:
                for widget in (False, True):
                    sizes = measure(browser, args.base, desk.code, widget)
                    rows.append((desk.code, "widget" if widget else "no-JS page", label,
                                 sizes["page"], sizes["data"], sizes["CSS"], sizes["JS"],
                                 sizes["fonts"],
                                 sum(sizes.values())))
            browser.close()
    print("| desk | surface | reader's machine | HTML | JSON | CSS | JS | fonts | total |")
    print("|---|---|---|--:|--:|--:|--:|--:|--:|")
    for row in rows:
        print("| " + " | ".join(str(v) if not isinstance(v, int) else f"{v:,}"
                                for v in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
