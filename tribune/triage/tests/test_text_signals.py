"""Text signals on examples written for these tests (never taken from the data)."""

import pytest

from tribune.triage.campaign import shingles, signature, similarity
from tribune.triage.classifier import model_for, model_load, model_names
from tribune.triage.personal import cn_id_valid, kr_rrn_valid, personal_information
from tribune.triage.scripts import dominant_script, name_signals
from tribune.triage.text_signals import (
    is_repetitive,
    is_shouting,
    links_in,
    text_signals,
    wordlist_hits,
)


def kr_rrn(front: str, back6: str) -> str:
    digits = front + back6
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
    return f"{front}-{back6}{(11 - total % 11) % 10}"


def cn_id(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


@pytest.mark.parametrize("text,kinds", [
    ("Write to me: jo.reader+news@example.net", ["email"]),
    ("My mobile is 010-2345-6789, call after 6", ["phone"]),
    ("Office: +44 20 7946 0000", ["phone"]),
    ("Ring (02) 555 0199 tomorrow", ["phone"]),
    ("Between 2019 2020 2021 and 2022 prices rose", []),
    ("It cost 1,250,000 won in total", []),
    ("The vote was 52.1 to 47.9 percent", []),
])
def test_personal_information_phone_and_email(text, kinds):
    assert personal_information(text) == kinds


def test_korean_resident_numbers_need_a_valid_checksum_and_date():
    good = kr_rrn("850315", "123456")
    assert kr_rrn_valid(good.replace("-", ""))
    assert personal_information(f"제 주민번호는 {good} 입니다") == ["kr_rrn"]
    wrong_check = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert "kr_rrn" not in personal_information(f"번호 {wrong_check}")
    bad_date = kr_rrn("851345", "123456")  # month 13
    assert not kr_rrn_valid(bad_date.replace("-", ""))


def test_chinese_id_numbers_need_the_check_character_and_a_birth_date():
    good = cn_id("44030419800101123")
    assert cn_id_valid(good)
    assert personal_information(f"我的身份证号是{good}") == ["cn_id"]
    last = good[-1]
    wrong = good[:-1] + ("0" if last != "0" else "1")
    assert personal_information(f"号码 {wrong}") != ["cn_id"]
    assert not cn_id_valid(cn_id("44030419801301123"))  # month 13


def test_scripts_and_desk_language_mismatch():
    assert dominant_script("오늘 기사 잘 읽었습니다")[0] == "Hangul"
    assert dominant_script("ཁྱེད་རང་སྐུ་གཟུགས་བདེ་པོ་ཡིན་པས།")[0] == "Tibetan"
    assert dominant_script("ياخشىمۇسىز")[0] == "Arabic"
    on_korean_desk = text_signals(body="This whole article is written for foreigners",
                                  author="Kim", desk_language="ko")
    assert on_korean_desk.language_mismatch and on_korean_desk.script == "Latin"
    at_home = text_signals(body="기사 잘 읽었습니다. 감사합니다 여러분", author="독자",
                           desk_language="ko")
    assert not at_home.language_mismatch and at_home.language == "ko"
    assert at_home.toxicity is not None


def test_names_with_mixed_scripts_or_look_alike_letters():
    assert name_signals("Maria Lopez") == []
    assert name_signals("김민수") == []
    # A Cyrillic "а" inside a Latin name.
    assert set(name_signals("Mаria Lopez")) == {"mixed_script_name", "confusable_name"}
    assert "confusable_name" in name_signals("ＡＤＭＩＮ")  # full-width letters


def test_links_shouting_repetition():
    count, domains = links_in(
        "See https://www.example.com/a and shop.example.net/b or www.example.com")
    assert count == 3 and domains == ["example.com", "shop.example.net"]
    assert is_shouting("THIS IS AN OUTRAGE AND EVERYONE KNOWS IT")
    assert not is_shouting("NATO and the EU met in Brussels on Tuesday.")
    assert is_repetitive("nooooooo way")
    assert is_repetitive("wrong wrong wrong wrong")
    assert not is_repetitive("A calm and reasoned comment about the budget.")


def test_desk_word_lists_match_words_or_anywhere_in_unspaced_scripts():
    assert wordlist_hits("You are a Zorblat, frankly", ["zorblat"]) == ["zorblat"]
    assert wordlist_hits("zorblating is fine", ["zorblat"]) == []
    assert wordlist_hits("他们都是坏蛋一样", ["坏蛋"]) == ["坏蛋"]


def test_shipped_models_load_and_score():
    assert set(model_names()) >= {"en_toxicity", "ko_toxicity", "spam"}
    spam = model_load("spam")
    assert spam.meta["format"] == 1 and len(spam.weights) == 1 << spam.bits
    promo = spam.score("CHECK OUT my channel and subscribe!!! free gift cards at http://example.com")
    plain = spam.score("I watched this with my father, the chorus always makes him smile")
    assert promo > 0.8 > plain
    for lang in ("en", "ko", "spam"):
        value = model_for(lang).score("a short test")
        assert 0.0 <= value <= 1.0
    with pytest.raises(KeyError):
        model_for("xx")


def test_minhash_sees_through_reordering_and_emoji():
    base = "The mayor sold the harbour to his friends and the council covered it up again"
    reordered = ("and the council covered it up again, the mayor sold the harbour "
                 "to his friends 😡🔥")
    other = "I enjoyed the interview with the librarian about reading clubs for children"
    assert shingles(base) == shingles(reordered.replace("😡🔥", ""))
    assert similarity(signature(base), signature(reordered)) == 1.0
    assert similarity(signature(base), signature(other)) < 0.3
    assert signature("too short") is None
