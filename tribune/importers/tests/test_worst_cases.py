"""An export file holds readers' HTML: turning it into text takes time linear in
it, whatever it holds (issue #20). Python's HTMLParser rescanned from every
unfinished tag: 20 kB of "<a" took 3.3 s."""

from __future__ import annotations

import pytest

from tribune.core.testing import best_of_3
from tribune.importers.text import author_name, html_to_text

UNITS = ["<a", "<", "<!--", "<!-- >", "</a", "<a ", "<a x='", "<a>", "&#", "</", "<!", "<?",
         "<a x='<'>", "<p>", "&amp", "<script>", "<a\n", ". ", "\u00a0 "]



@pytest.mark.parametrize("unit", UNITS)
def test_html_to_text_is_linear_on_crafted_worst_cases(unit):
    text = unit * (50_000 // len(unit))
    assert best_of_3(lambda: html_to_text(text)) < 2.0
    assert best_of_3(lambda: author_name(text)) < 0.5


def test_a_stray_less_than_sign_is_text_and_tags_still_go():
    assert html_to_text("a < b <p>x</p><!-- c > d --> <a href='x'>link</a> 3<4 <br/>end") == (
        "a < b\n\nx\n\nlink 3<4\nend")
    assert html_to_text("<<b>bold</b>") == "<bold"
