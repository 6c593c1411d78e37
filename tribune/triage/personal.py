"""Personal information a reader may be about to publish by mistake.

Finds e-mail addresses, phone numbers, Korean resident registration numbers
(with their checksum and a valid birth date) and Chinese resident identity
numbers (GB 11643 check digit and a valid birth date). Errs towards asking:
the reader can always send anyway.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# The local part is taken whole from the start of its run, without backtracking:
# tried at every character, as it was, a run of 20,000 letters cost 64 steps each.
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]{1,63}(?:\.[\w-]{1,63})+")
# Korean mobile and area numbers, and international (+…) numbers.
PHONE_RE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{7,20}\d(?!\d)")
KR_RRN_RE = re.compile(r"(?<!\d)(\d{6})\s?-?\s?(\d{7})(?!\d)")
CN_ID_RE = re.compile(r"(?<![\dA-Za-z])(\d{17}[\dXx])(?![\dA-Za-z])")

_KR_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"

KINDS = ("email", "phone", "kr_rrn", "cn_id")


def _date_ok(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def kr_rrn_valid(digits: str) -> bool:
    """A 13-digit Korean resident registration number with a possible birth
    date and a correct check digit (numbers issued before October 2020)."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    century = {"1": 1900, "2": 1900, "3": 2000, "4": 2000, "5": 1900, "6": 1900,
               "7": 2000, "8": 2000, "9": 1800, "0": 1800}[digits[6]]
    if not _date_ok(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6])):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:12], _KR_WEIGHTS, strict=True))
    return (11 - total % 11) % 10 == int(digits[12])


def cn_id_valid(number: str) -> bool:
    """An 18-character Chinese resident identity number with a possible birth
    date and a correct ISO 7064 MOD 11-2 check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if not _date_ok(int(number[6:10]), int(number[10:12]), int(number[12:14])):
        return False
    if not 1900 <= int(number[6:10]) <= dt.datetime.now(dt.UTC).year:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _CN_WEIGHTS, strict=True))
    return _CN_CHECK[total % 11] == number[17].upper()


_CN_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
# Every decimal digit of Unicode to its ASCII digit, one for one (lengths are
# kept): a phone number typed in Myanmar, Tibetan, Khmer, Lao or Arabic-Indic
# digits is the same number, and "၀" is a trunk prefix as "0" is.
_ASCII_DIGITS = {
    code: ord("0") + unicodedata.decimal(chr(code))
    for code in range(0x80, 0x1FBFA) if unicodedata.decimal(chr(code), None) is not None
}


def personal_information(text: str) -> list[str]:
    """The kinds of personal information found in ``text``, in :data:`KINDS` order."""
    if not text.isascii():
        text = text.translate(_ASCII_DIGITS)
    found: set[str] = set()
    if EMAIL_RE.search(text):
        found.add("email")
    ids: list[tuple[int, int]] = []
    for match in KR_RRN_RE.finditer(text):
        if kr_rrn_valid(match.group(1) + match.group(2)):
            found.add("kr_rrn")
            ids.append(match.span())
    for match in CN_ID_RE.finditer(text):
        if cn_id_valid(match.group(1)):
            found.add("cn_id")
            ids.append(match.span())
    for match in PHONE_RE.finditer(text):
        start, end = match.span()
        if any(s <= start < e or s < end <= e for s, e in ids):
            continue
        digits = re.sub(r"\D", "", match.group(0))
        raw = match.group(0)
        # A number written as one would dial it: +…, a leading 0 (trunk
        # prefix), or digits grouped with - . or ( ); not a run of years.
        dialled = raw.startswith(("+", "0", "(")) or re.search(r"\d[-.)]\s?\d", raw)
        # A mainland Chinese mobile number is written as eleven bare digits.
        dialled = dialled or _CN_MOBILE_RE.fullmatch(digits)
        if 9 <= len(digits) <= 15 and dialled:
            found.add("phone")
    return [kind for kind in KINDS if kind in found]
