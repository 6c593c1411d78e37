"""lang-b's catalogues — Tibetan, Uyghur, Burmese, Khmer and Lao — are complete and right.

Every reader-facing message (issue #14's rule, plus the report form's own
refusals) is translated in the project's and the widget's catalogues, with the
English placeholders, HTML tags and entities intact, every plural form filled
(Uyghur has two), in its own script and with the script's own sentence-final
punctuation; each ``.mo`` is compiled from the ``.po`` beside it; and a reader
of each desk meets the translations on the thread page, the report form and the
widget's configuration. Beyond the readers' messages the whole catalogue is
translated (the moderator workspace, whose language follows the moderator's
browser, and the command line's), with the same care for placeholders and
script. The parsing and the language-independent checks are
lang-a's (``test_catalogue_lang_a``), imported as a module so that pytest does
not collect its tests twice.
"""

import re

import pytest
from django.test import Client
from django.utils import translation

from tribune.core.testing import make_comment, make_moderator, make_published, make_site
from tribune.core.tests import test_catalogue_lang_a as shared
from tribune.core.tests.test_catalogue_lang_a import (  # noqa: F401 (autouse fixture)
    _english_afterwards,  # a request leaves its language active: English after each test
)
from tribune.embed.strings import widget_strings

# Per language: the locale directory, the Plural-Forms header, the letters of its
# script, and the sentence-final mark an English full stop becomes (None: the
# script keeps the full stop, as Uyghur and Lao do).
LANGUAGES = {
    "bo": ("bo", "nplurals=1; plural=0;", "\u0f00-\u0fff", "།"),
    "ug": ("ug", "nplurals=2; plural=(n != 1);", "\u0600-\u06ff", None),
    "my": ("my", "nplurals=1; plural=0;", "\u1000-\u109f", "။"),
    "km": ("km", "nplurals=1; plural=0;", "\u1780-\u17ff", "។"),
    "lo": ("lo", "nplurals=1; plural=0;", "\u0e80-\u0eff", None),
}
# Tibetan leaves out the shad after a final ga or ka (ག ཀ): the tsheg-less letter ends the
# sentence by itself.
TIBETAN_ENDS = ("།", "ག", "ཀ")
# The report form (moderation/reports.py, report_views.py) is a reader's page too.
READER_PLACES = shared.READER_PLACES + ("moderation/reports.py", "moderation/report_views.py")

CATALOGUES = [(code, path) for code, (directory, *_rest) in LANGUAGES.items()
              for path in shared.catalogues(directory)]
IDS = [f"{code}-{path.parent.parent.parent.parent.name}" for code, path in CATALOGUES]


def reader_facing(path, entry) -> bool:
    return "embed" in path.parts or any(ref.startswith(READER_PLACES) for ref in entry.references)


def words_of(text: str) -> str:
    """The text without placeholders, tags, entities, URLs' and API's ASCII words."""
    return shared.PLACEHOLDER.sub("", text)


@pytest.mark.parametrize(("code", "path"), CATALOGUES, ids=IDS)
def test_header_names_its_makers_and_plural_forms(code, path):
    directory, plural_forms, _letters, _stop = LANGUAGES[code]
    fields, _entries = shared.parse_po(path)
    assert fields["Language"] == directory
    assert fields["Plural-Forms"] == plural_forms
    assert "docs/glossary.md" in fields["Language-Team"]
    head = path.read_text(encoding="utf-8").split('msgid ""', 1)[0]
    assert "Machine-assisted first translation by Tribune's developers, December 2026" in head
    assert "Native speakers" in head and "docs/glossary.md" in head


@pytest.mark.parametrize(("code", "path"), CATALOGUES, ids=IDS)
def test_every_reader_facing_message_is_translated_in_its_script(code, path):
    _directory, plural_forms, letters, stop = LANGUAGES[code]
    nplurals = int(re.search(r"nplurals=(\d+)", plural_forms).group(1))
    script = re.compile(f"[{letters}]")
    _fields, entries = shared.parse_po(path)
    problems, checked = [], 0
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if not reader_facing(path, entry):
            continue
        checked += 1
        if entry.msgid_plural and sorted(entry.msgstr_plural) != list(range(nplurals)):
            problems.append(f"needs msgstr[0..{nplurals - 1}]: {entry.msgid!r}")
        for index, text in enumerate(entry.translations):
            english = english_of(entry, index, nplurals)
            where = f"{entry.msgid!r} -> {text!r}"
            has_words = re.search(r"[A-Za-z]{2}", words_of(english))
            if not text.strip():
                problems.append(f"untranslated: {entry.msgid!r}")
            elif shared.placeholders(text) != shared.placeholders(english):
                problems.append(f"placeholders differ: {where}")
            elif text.endswith("\n") != english.endswith("\n"):
                problems.append(f"final line break differs: {where}")
            elif has_words and not script.search(text):
                problems.append(f"not in the {code} script: {where}")
            elif stop and text.rstrip().endswith("."):
                problems.append(f"Latin full stop instead of {stop}: {where}")
            elif stop and english.rstrip().endswith(".") and not english.endswith("..") \
                    and not text.rstrip().endswith(TIBETAN_ENDS if code == "bo" else (stop,)):
                problems.append(f"sentence does not end with {stop}: {where}")
            elif code == "ug" and re.search(r"[?;]|, ", words_of(text)):
                problems.append(f"Latin punctuation instead of ؟ ؛ ،: {where}")
    # A guard against a rule that silently matches nothing.
    least = 50 if "embed" in path.parts else 200
    assert checked >= least, f"only {checked} reader-facing messages found in {path}"
    assert not problems, "\n".join(problems)


def english_of(entry, index: int, nplurals: int) -> str:
    """The English a plural form translates: with two forms, the first is the singular."""
    if not entry.msgid_plural:
        return entry.msgid
    return entry.msgid if nplurals > 1 and index == 0 else entry.msgid_plural


@pytest.mark.parametrize(("code", "path"), CATALOGUES, ids=IDS)
def test_the_whole_catalogue_is_translated_and_keeps_its_placeholders(code, path):
    _directory, plural_forms, letters, _stop = LANGUAGES[code]
    nplurals = int(re.search(r"nplurals=(\d+)", plural_forms).group(1))
    script = re.compile(f"[{letters}]")
    _fields, entries = shared.parse_po(path)
    problems = []
    for entry in entries:
        if not any(entry.translations):
            problems.append(f"untranslated: {entry.msgid!r} ({entry.references[0]})")
            continue
        if entry.msgid_plural and sorted(entry.msgstr_plural) != list(range(nplurals)):
            problems.append(f"needs msgstr[0..{nplurals - 1}]: {entry.msgid!r}")
        for index, text in enumerate(entry.translations):
            english = english_of(entry, index, nplurals)
            if not text.strip():
                problems.append(f"empty form {index}: {entry.msgid!r}")
            elif text[:1].isspace() != english[:1].isspace():
                problems.append(f"leading space differs: {english!r} -> {text!r}")
            elif shared.placeholders(text) != shared.placeholders(english):
                problems.append(f"placeholders differ: {english!r} -> {text!r}")
            elif re.search(r"[A-Za-z]{2}", words_of(english)) and not script.search(text):
                problems.append(f"not in the {code} script: {english!r} -> {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", [path for code, path in CATALOGUES if code == "my"],
                         ids=["tribune", "embed"])
def test_burmese_is_unicode_never_zawgyi(path):
    """Zawgyi types the vowel sign E and the medial RA (its U+1031, U+103B) before the
    consonant that Unicode puts them after, and draws stacked letters with code points
    that Unicode gives to other Myanmar-script languages (U+1060-U+109F)."""
    _fields, entries = shared.parse_po(path)
    problems = []
    for entry in entries:
        for text in entry.translations:
            if re.search("(?:^|[^\u1000-\u109f])[\u1031\u103b\u103c]|[\u1060-\u109f]", text):
                problems.append(f"{entry.msgid!r} -> {text!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("code", "path"), CATALOGUES, ids=IDS)
def test_compiled_catalogue_is_the_po_beside_it(code, path):
    shared.test_compiled_catalogue_is_the_po_beside_it(code, path)


@pytest.mark.parametrize(("code", "path"), CATALOGUES, ids=IDS)
def test_msgfmt_checks_the_catalogue(code, path, tmp_path):
    shared.test_msgfmt_checks_the_catalogue(code, path, tmp_path)


# What a reader of each desk reads: the thread page, the report form, the widget.
READ = {
    "bo": {"page": ["བེད་སྤྱོད་ཆ་རྐྱེན།", "བསམ་འཆར་འབྲི།", "མངོན་རྒྱུའི་མིང་།", "ཞིབ་དཔྱད་ལ་གཏོང་།"],
           "report": ["བསམ་འཆར་སྙན་ཞུ་བྱེད།", "སྙིགས་འཕྲིན་ནམ་ཚོང་བསྒྲགས།"],
           "send": "ཞིབ་དཔྱད་ལ་གཏོང་།", "minutes": ("སྐར་མ་ 1", "སྐར་མ་ 5")},
    "ug": {"page": ["ئىشلىتىش شەرتلىرى", "ئىنكاس يېزىش", "كۆرسىتىلىدىغان ئىسىم",
                    "تەكشۈرۈشكە يوللاش"],
           "report": ["ئىنكاس ھەققىدە ئەرز قىلىش", "ئەخلەت ئۇچۇر ياكى ئېلان"],
           "send": "تەكشۈرۈشكە يوللاش", "minutes": ("1 مىنۇت", "5 مىنۇت")},
    "my": {"page": ["အသုံးပြုမှု စည်းကမ်းချက်များ", "မှတ်ချက်ရေးရန်", "ပြသမည့်အမည်", "ထိန်းညှိရန် ပို့မည်"],
           "report": ["မှတ်ချက်ကို တိုင်ကြားရန်", "စပမ်း သို့မဟုတ် ကြော်ငြာ"],
           "send": "ထိန်းညှိရန် ပို့မည်", "minutes": ("1 မိနစ်", "5 မိနစ်")},
    "km": {"page": ["លក្ខខណ្ឌប្រើប្រាស់", "សរសេរមតិ", "ឈ្មោះបង្ហាញ", "ផ្ញើដើម្បីត្រួតពិនិត្យ"],
           "report": ["រាយការណ៍អំពីមតិ", "សារឥតបានការ ឬការផ្សាយពាណិជ្ជកម្ម"],
           "send": "ផ្ញើដើម្បីត្រួតពិនិត្យ", "minutes": ("1 នាទី", "5 នាទី")},
    "lo": {"page": ["ເງື່ອນໄຂການນຳໃຊ້", "ຂຽນຄຳເຫັນ", "ຊື່ທີ່ສະແດງ", "ສົ່ງໃຫ້ພິຈາລະນາ"],
           "report": ["ລາຍງານຄຳເຫັນ", "ສະແປມ ຫຼື ການໂຄສະນາ"],
           "send": "ສົ່ງໃຫ້ພິຈາລະນາ", "minutes": ("1 ນາທີ", "5 ນາທີ")},
}


@pytest.mark.parametrize("code", sorted(READ))
def test_activating_a_language_speaks_it_in_every_plural_form(code):
    with translation.override(code):
        assert widget_strings()["send"] == READ[code]["send"]
        # Through names, not literals: makemessages must not list this test as a source.
        say_n, minute, minutes = translation.ngettext, "%(count)d minute", "%(count)d minutes"
        forms = [say_n(minute, minutes, n) % {"count": n} for n in (1, 5)]
    assert tuple(forms) == READ[code]["minutes"]


@pytest.mark.parametrize("code", sorted(READ))
def test_a_desks_pages_and_widget_speak_its_language(db, code):
    origin = f"https://{code}.example.org"
    make_site(origin=origin, desk_code=code, name=code)
    comment = make_published(None, url=f"{origin}/2026/a", author="reader", body="…")
    page = Client().get("/embed/thread", {"url": f"{origin}/2026/a"})
    html = page.content.decode()
    assert page.status_code == 200
    direction = "rtl" if code == "ug" else "ltr"
    assert f'<html lang="{code}" dir="{direction}"' in html
    for text in READ[code]["page"]:
        assert text in html, text
    for english in ("Terms of Use", "Write a comment", "Display name", "Send for moderation"):
        assert english not in html, english
    # A comment's date: no English month or "a.m." (tribune/formats fills Django's gaps).
    date = re.search(r"<time [^>]*>(.*?)</time>", html).group(1)
    assert not re.search(r"[A-Za-z]", re.sub(r"<[^>]+>|UTC", "", date)), date
    report = Client().get("/embed/report", {"comment": comment.pk}).content.decode()
    for text in READ[code]["report"]:
        assert text in report, text
    config = Client().get("/embed/config", {"url": f"{origin}/2026/a"}).json()
    assert (config["lang"], config["dir"]) == (code, direction)
    assert config["strings"]["send"] == READ[code]["send"]


# The moderator workspace follows the moderator's browser; in each of these languages
# it shows the queue's title and the approve button in that language.
WORKSPACE = {"bo": ("བསམ་འཆར་གྲལ་རིམ།", "ཆོག་མཆན་སྤྲོད།"),
             "ug": ("ئىنكاس ئۆچرىتى", "تەستىقلاش"),
             "my": ("မှတ်ချက် တန်းစီစာရင်း", "အတည်ပြုရန်"),
             "km": ("ជួររង់ចាំមតិ", "អនុម័ត"),
             "lo": ("ແຖວລໍຖ້າຄຳເຫັນ", "ອະນຸມັດ")}


@pytest.mark.parametrize("code", sorted(WORKSPACE))
def test_the_workspace_speaks_the_moderators_language(db, code):
    make_site(origin=f"https://{code}.example.org", desk_code=code, name=code)
    make_comment(url=f"https://{code}.example.org/2026/a", body="…")
    client = Client()
    client.force_login(make_moderator(name=code, desk_codes=[code]))
    html = client.get("/moderate/", headers={"Accept-Language": code}).content.decode()
    direction = "rtl" if code == "ug" else "ltr"
    assert f'<html lang="{code}" dir="{direction}"' in html
    for text in WORKSPACE[code]:
        assert text in html, text
    for english in ("Comment queue", ">Approve<", "Keyboard shortcuts"):
        assert english not in html, english
