"""Burmese typed in Zawgyi is stored as Unicode (tribune.core.myanmar): real Zawgyi
sentences, sent through the API and the no-JS form, come back as Unicode."""

from __future__ import annotations

import json
import unicodedata

import pytest
from django.test import Client

from tribune.comments.models import Comment
from tribune.core import testing as factories
from tribune.core.myanmar import zawgyi_probability, zawgyi_to_unicode

ARTICLE = "https://my.example.org/2026/12/thadin"
# (Zawgyi as a Zawgyi keyboard types it, the same words in Unicode.)
SAMPLES = [
    ("ျမန္မာႏိုင္ငံ", "မြန်မာနိုင်ငံ"),  # Myanmar (the country)
    ("ေက်းဇူးတင္ပါတယ္", "ကျေးဇူးတင်ပါတယ်"),  # thank you
    ("ရန္ကုန္ၿမိဳ႕", "ရန်ကုန်မြို့"),  # Yangon city
    ("သတင္းေထာက္ေတြ ေရးတာ ေကာင္းပါတယ္", "သတင်းထောက်တွေ ရေးတာ ကောင်းပါတယ်"),
    ("ဒီသတင္းကို ဖတ္ရတာ ဝမ္းသာပါတယ္။", "ဒီသတင်းကို ဖတ်ရတာ ဝမ်းသာပါတယ်။"),
]


@pytest.mark.parametrize(("zawgyi", "unicode"), SAMPLES)
def test_zawgyi_is_detected_and_converted(zawgyi, unicode):
    assert zawgyi_probability(zawgyi) > 0.95
    assert zawgyi_probability(unicode) < 0.05
    assert unicodedata.normalize("NFC", zawgyi_to_unicode(zawgyi)) == unicode
    # Unicode Burmese, and text in other scripts, are never touched.
    assert zawgyi_to_unicode(unicode) == unicode
    for other in ("A plain English comment.", "좋은 기사입니다.", "ئۇيغۇرچە", ""):
        assert zawgyi_to_unicode(other) == other


def test_an_ambiguous_short_word_is_left_as_typed():
    # "Mingalaba" in Zawgyi is too short for the detector to be sure: kept.
    word = "မဂၤလာပါ"
    assert zawgyi_probability(word) <= 0.95 and zawgyi_to_unicode(word) == word


def test_only_the_zawgyi_lines_of_a_mixed_comment_are_converted():
    zawgyi, unicode = SAMPLES[3]
    quoted = SAMPLES[4][1]
    assert zawgyi_to_unicode(f"{quoted}\n{zawgyi}") == f"{quoted}\n{unicode}"


@pytest.fixture
def my_site(db):
    return factories.make_site(origin="https://my.example.org", desk_code="my", name="Burmese")


def test_a_zawgyi_comment_is_stored_and_published_as_unicode(my_site):
    client = Client()
    (name_z, name_u), (body_z, body_u) = SAMPLES[0], SAMPLES[4]
    sent = client.post("/api/v1/comments", json.dumps(
        {"url": ARTICLE, "author": name_z, "body": f"{body_z}\n{SAMPLES[3][0]}"}),
        content_type="application/json")
    assert sent.status_code == 202, sent.content
    stored = Comment.objects.get(pk=sent.json()["id"])
    assert stored.author == name_u and stored.body == f"{body_u}\n{SAMPLES[3][1]}"
    # The no-JS form: the same rule.
    posted = client.post("/embed/thread", {"url": ARTICLE, "author": "စာဖတ္သူ",
                                           "body": SAMPLES[1][0] + " " + SAMPLES[2][0]})
    assert posted.status_code == 303
    latest = Comment.objects.latest("pk")
    assert latest.body == SAMPLES[1][1] + " " + SAMPLES[2][1]
