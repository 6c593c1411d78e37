"""The desks' languages are known to Django, and lang-a's catalogues are complete.

Every language in ``settings.LANGUAGES`` must answer ``get_language_info`` and
``translation.activate`` (Django 5.2 lacks Tibetan and Lao), and the Chinese and
Vietnamese catalogues must translate every reader-facing message with the
English placeholders intact, their plural entries filled and their ``.mo``
compiled from the ``.po`` beside it.
"""

from django.conf import settings
from django.utils import translation

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
        assert info["bidi"] is (code == "ug"), code
        with translation.override(code):
            assert translation.get_language() == code
            assert translation.get_language_bidi() is (code == "ug")
