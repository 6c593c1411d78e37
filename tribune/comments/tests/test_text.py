import pytest

from tribune.core.errors import InvalidInput
from tribune.core.text import clean_author, clean_body


def test_body_keeps_line_breaks_and_tabs_and_normalises_crlf():
    assert clean_body("one\r\ntwo\rthree\n\tfour") == "one\ntwo\nthree\n\tfour"


def test_surrounding_space_is_trimmed_but_inner_text_is_kept():
    assert clean_body("  <b>as typed</b>  \n") == "<b>as typed</b>"


def test_limits_count_characters_after_normalisation():
    assert clean_body("e\u0301" * 10, max_length=10) == "é" * 10
    with pytest.raises(InvalidInput) as refused:
        clean_body("x" * 11, max_length=10)
    assert refused.value.code == "too_long"
    assert "11" in refused.value.message and "10" in refused.value.message


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u2066",
                                  "\ue000", "\ud800"])
def test_control_and_spoofing_characters_are_refused(char):
    with pytest.raises(InvalidInput) as refused:
        clean_body(f"text{char}text")
    assert refused.value.code == "control_character"
    assert "U+" in refused.value.message


def test_names_refuse_line_breaks_but_bodies_do_not():
    assert clean_body("a\nb") == "a\nb"
    with pytest.raises(InvalidInput):
        clean_author("a\nb")


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c", "\u200d"])
def test_direction_marks_and_joiners_are_allowed(mark):
    assert clean_body(f"ئۇيغۇر{mark}123") == f"ئۇيغۇر{mark}123"
