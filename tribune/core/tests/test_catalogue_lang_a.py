"""The desks' languages are known to Django, and lang-a's catalogues are complete.

Every language in ``settings.LANGUAGES`` must answer ``get_language_info`` and
``translation.activate`` (Django 5.2 lacks Tibetan and Lao), and the Chinese and
Vietnamese catalogues must translate every reader-facing message (issue #14's
rule) — and, for the languages in ``WHOLE_CATALOGUE``, every message — with the
English placeholders intact, their plural entries filled and their ``.mo``
compiled from the ``.po`` beside it.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation

import tribune
from tribune.core.testing import make_comment, make_moderator, make_published, make_site
from tribune.embed.strings import widget_strings
from tribune.sites.models import Desk, Direction


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request leaves its language active in the thread (LocaleMiddleware does
    not reset it): later tests in the same process must not inherit Chinese."""
    yield
    translation.deactivate()


DESK_LANGUAGES = {
    "en": "English",
    "ko": "한국어",
    "zh-hans": "简体中文",
    "zh-hant": "繁體中文",
    "vi": "Tiếng Việt",
    "bo": "བོད་ཡིག",
    "ug": "ئۇيغۇرچە",
    "my": "မြန်မာ",
    "km": "ខ្មែរ",
    "lo": "ລາວ",
}


def test_every_desk_language_is_offered_under_its_own_name():
    assert dict(settings.LANGUAGES) == DESK_LANGUAGES


def test_django_knows_every_offered_language():
    for code, _name in settings.LANGUAGES:
        info = translation.get_language_info(code)
        assert info["code"] == code
        assert info["name_local"] and info["name_local"] != info["name"] or code == "en"
        assert unicodedata.is_normalized("NFC", info["name_local"]), code
        assert info["bidi"] is (code == "ug"), code
        with translation.override(code):
            assert translation.get_language() == code
            assert translation.get_language_bidi() is (code == "ug")


# The names a desk gets from its code alone (Django calls Burmese မြန်မာဘာသာ).
DESK_NAMES = DESK_LANGUAGES | {"my": "မြန်မာဘာသာ"}


@pytest.mark.django_db
def test_a_desk_made_from_a_code_alone_is_named_in_its_language():
    for code, _name in settings.LANGUAGES:
        out = StringIO()
        call_command("desk", "add", code, stdout=out)
        desk = Desk.objects.get(code=code)
        assert (desk.name, desk.language) == (DESK_NAMES[code], code)
        assert desk.direction == (Direction.RTL if code == "ug" else Direction.LTR)


# --- The catalogues ---------------------------------------------------------
PACKAGE = Path(tribune.__file__).resolve().parent
# Django's locale directory names of lang-a's languages, with their language codes.
LANG_A = {"zh_Hans": "zh-hans", "zh_Hant": "zh-hant", "vi": "vi"}
# Languages whose whole catalogue, moderator interface included, is translated. A
# language may leave it while new moderator-facing messages wait for a translator;
# its reader-facing messages must stay translated.
WHOLE_CATALOGUE = {"zh_Hans", "zh_Hant", "vi"}

# A message is reader-facing when one of its references is in these places
# (issue #14's rule); every message of the widget's catalogue is.
READER_PLACES = ("reader/", "embed/", "api/", "comments/", "threads/", "sites/", "abuse/",
                 "privacy/", "notifications/", "publishing/", "core/", "security/",
                 "reliability/", "triage/", "moderation/models.py", "moderation/bans.py")

PLACEHOLDER = re.compile(
    r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]"  # %(name)s, %(code)04X
    r"|%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs%]"       # %s, %d, %%
    r"|\{\w*\}"                                        # {name}
    r"|</?[a-zA-Z][^>]*>"                              # HTML tags, attributes included
    r"|&#?\w+;"                                        # HTML entities
)
# Messages that are the same in every language: codes, formats, proper names.
SAME_IN_EVERY_LANGUAGE = {"Tribune", "JSON", "API", "OK"}
PLURAL_FORMS = "nplurals=1; plural=0;"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural:
            return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]
        return [self.msgstr]


def parse_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header's fields and the entries of a .po file (obsolete ones left out)."""
    entries: list[Entry] = []
    entry, part = Entry(), None

    def finish():
        nonlocal entry, part
        if part is not None:
            entries.append(entry)
        entry, part = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#:"):
            if part is not None and part.startswith("msgstr"):
                finish()
            entry.references += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("#,"):
            if part is not None and part.startswith("msgstr"):
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        else:
            keyword, _, quoted = line.partition(" ") if not line.startswith('"') else ("", "", line)
            if keyword:
                starts_entry = keyword in ("msgctxt", "msgid")
                if starts_entry and part is not None and part.startswith("msgstr"):
                    finish()
                part = keyword
                if keyword == "msgctxt":
                    entry.msgctxt = ""
            text = ast.literal_eval(quoted)
            if part == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + text
            elif part == "msgid":
                entry.msgid += text
            elif part == "msgid_plural":
                entry.msgid_plural += text
            elif part == "msgstr":
                entry.msgstr += text
            else:
                index = int(part[len("msgstr["):-1])
                entry.msgstr_plural[index] = entry.msgstr_plural.get(index, "") + text
    finish()
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    fields = dict(line.split(": ", 1) for line in header.msgstr.splitlines() if ": " in line)
    return fields, [e for e in entries if e is not header]


def catalogues(directory: str) -> list[Path]:
    return [PACKAGE / "locale" / directory / "LC_MESSAGES" / "django.po",
            PACKAGE / "embed" / "locale" / directory / "LC_MESSAGES" / "django.po"]


def is_reader_facing(path: Path, entry: Entry) -> bool:
    return "embed" in path.parts or any(ref.startswith(READER_PLACES) for ref in entry.references)


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def must_be_translated(directory: str, path: Path, entry: Entry) -> bool:
    return directory in WHOLE_CATALOGUE or is_reader_facing(path, entry)


ALL_CATALOGUES = [(d, p) for d in LANG_A for p in catalogues(d)]
IDS = [f"{d}-{p.parent.parent.parent.parent.name}" for d, p in ALL_CATALOGUES]


@pytest.mark.parametrize(("directory", "path"), ALL_CATALOGUES, ids=IDS)
def test_catalogue_header_names_its_makers_and_plural_forms(directory, path):
    fields, _entries = parse_po(path)
    assert fields["Language"] == directory
    assert fields["Plural-Forms"] == PLURAL_FORMS
    assert "docs/glossary.md" in fields["Language-Team"]
    head = path.read_text(encoding="utf-8").split('msgid ""', 1)[0]
    assert "Machine-assisted first translation by Tribune's developers, December 2026" in head
    assert "native speaker" in head
    if directory == "zh_Hant":
        assert "zh-Hant-HK" in head


@pytest.mark.parametrize(("directory", "path"), ALL_CATALOGUES, ids=IDS)
def test_every_message_that_must_be_is_translated_with_its_placeholders(directory, path):
    _fields, entries = parse_po(path)
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
            continue
        if not must_be_translated(directory, path, entry):
            continue
        english = entry.msgid_plural or entry.msgid
        if entry.msgid_plural and len(entry.msgstr_plural) != 1:
            problems.append(f"needs exactly msgstr[0]: {entry.msgid!r}")
        for text in entry.translations:
            if not text.strip():
                problems.append(f"untranslated: {entry.msgid!r}")
            elif not unicodedata.is_normalized("NFC", text):
                problems.append(f"not in NFC: {entry.msgid!r}")
            elif text == english and english not in SAME_IN_EVERY_LANGUAGE \
                    and re.search(r"[A-Za-z]{2}", PLACEHOLDER.sub("", english)):
                problems.append(f"left in English: {entry.msgid!r}")
            elif placeholders(text) != placeholders(english):
                problems.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
            elif text.endswith("\n") != english.endswith("\n"):
                problems.append(f"final line break differs: {entry.msgid!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("directory", "path"), ALL_CATALOGUES, ids=IDS)
def test_compiled_catalogue_is_the_po_beside_it(directory, path):
    _fields, entries = parse_po(path)
    expected = {}
    for entry in entries:
        if "fuzzy" in entry.flags or not all(entry.translations):
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(msgid, index)] = text
        else:
            expected[msgid] = entry.msgstr
    with open(path.with_suffix(".mo"), "rb") as compiled:
        catalog = dict(gettext.GNUTranslations(compiled)._catalog)
    catalog.pop("", None)
    assert catalog == expected, f"{path.with_suffix('.mo')} is stale: run compilemessages"


@pytest.mark.parametrize(("directory", "path"), ALL_CATALOGUES, ids=IDS)
def test_msgfmt_checks_the_catalogue(directory, path, tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        message = "msgfmt is missing: install Debian's gettext package."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    result = subprocess.run([msgfmt, "--check", "-o", str(tmp_path / "django.mo"), str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# What a reader of each language sees, through Django's own machinery.
SPOKEN = {
    "zh-hans": {"Terms of Use": "使用条款", "Edit my comment": "修改我的评论",
                "send": "发送审核"},
    "zh-hant": {"Terms of Use": "使用條款", "Edit my comment": "修改我的留言",
                "send": "提交審核"},
    "vi": {"Terms of Use": "Điều khoản sử dụng", "Edit my comment": "Sửa bình luận của tôi",
           "send": "Gửi để kiểm duyệt"},
}


@pytest.mark.parametrize("code", sorted(SPOKEN))
def test_activating_a_language_speaks_it(code):
    translation.activate(code)
    try:
        assert translation.get_language() == code
        # Through names, not literals: makemessages must not list this test as a source.
        say, say_n = translation.gettext, translation.ngettext
        for english in ("Terms of Use", "Edit my comment"):
            assert say(english) == SPOKEN[code][english]
        # The widget's strings come from its own catalogue.
        assert widget_strings()["send"] == SPOKEN[code]["send"]
        minute, minutes = "%(count)d minute", "%(count)d minutes"
        one = say_n(minute, minutes, 1) % {"count": 1}
        many = say_n(minute, minutes, 5) % {"count": 5}
        assert "minute" not in one + many and one.startswith("1") and many.startswith("5")
    finally:
        translation.deactivate()


# --- Through the pages ---------------------------------------------------------

# What a reader of each desk reads on the no-JS thread page and the report form.
ON_THE_PAGE = {
    "zh-hans": ["使用条款", "请尊重他人的观点，并以事实为依据。", "写评论", ">举报</a>",
                "显示名称", "发送审核"],
    "zh-hant": ["使用條款", "請尊重他人的觀點，並以事實為依據。", "寫留言", ">舉報</a>",
                "顯示名稱", "提交審核"],
    "vi": ["Điều khoản sử dụng", "Hãy tôn trọng quan điểm của người khác", "Viết bình luận",
           ">Báo cáo</a>", "Tên hiển thị", "Gửi để kiểm duyệt"],
}
ON_THE_REPORT_FORM = {"zh-hans": ["举报评论", "垃圾信息或广告"],
                      "zh-hant": ["舉報留言", "垃圾訊息或廣告"],
                      "vi": ["Báo cáo bình luận", "Thư rác hoặc quảng cáo"]}


@pytest.mark.parametrize("code", sorted(ON_THE_PAGE))
def test_a_desks_thread_page_and_report_form_speak_its_language(db, code):
    origin = f"https://{code}.example.org"
    make_site(origin=origin, desk_code=code, name=code)
    comment = make_published(None, url=f"{origin}/2026/a", author="读者", body="好文章")
    page = Client().get("/embed/thread", {"url": f"{origin}/2026/a"})
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<html lang="{code}"' in html
    for text in ON_THE_PAGE[code]:
        assert text in html, text
    assert "Terms of Use" not in html and "Write a comment" not in html
    report = Client().get("/embed/report", {"comment": comment.pk}).content.decode()
    for text in ON_THE_REPORT_FORM[code]:
        assert text in report, text
    # The widget gets its strings, the clauses' titles and the reasons from here.
    widget = Client().get("/embed/config", {"url": f"{origin}/2026/a"}).json()
    assert widget["lang"] == code
    english = widget_strings()
    translated = [key for key, text in widget["strings"].items() if text != english[key]]
    assert len(translated) == len(english), set(english) - set(translated)
    assert widget["strings"]["terms"] == SPOKEN[code]["Terms of Use"]
    assert ON_THE_REPORT_FORM[code][1] in dict(widget["report_reasons"]).values()
    assert widget["clauses"]["1"] != "Respect others' points of view"


def test_the_workspace_speaks_simplified_chinese(db):
    make_site(origin="https://zh.example.org", desk_code="zh-hans", name="中文")
    make_comment(url="https://zh.example.org/2026/a", body="一条评论")
    client = Client()
    client.force_login(make_moderator(name="zh", desk_codes=["zh-hans"]))
    html = client.get("/moderate/", headers={"Accept-Language": "zh-CN"}).content.decode()
    assert '<html lang="zh-hans"' in html
    for text in ("评论审核队列", "待审核", "被举报", "通过", "拒绝…", "键盘快捷键", "筛选和搜索"):
        assert text in html, text
    figures = client.get("/moderate/figures/", headers={"Accept-Language": "zh-CN"})
    assert "各编辑部通过率" in figures.content.decode()
