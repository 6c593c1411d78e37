"""Article URLs come from strangers (a reader's submission names one): normalising
one takes time linear in it (issue #20), and a URL is at most URL_MAX long."""

from __future__ import annotations

import pytest

from tribune.core.errors import InvalidInput
from tribune.core.testing import best_of_3
from tribune.sites.url_rules import URL_MAX, normalise_url

UNITS = ["a", "a-", "a.", "-", ".", "a.-", "%", "?a=", "&a", "#", ":", "@", "[", "xn--", "é"]


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("where", ["host", "path", "query"])
def test_normalising_a_crafted_url_is_fast(unit, where):
    filler = unit * ((URL_MAX - 40) // len(unit))
    url = {"host": f"https://{filler}.example.org/a", "path": f"https://example.org/{filler}",
           "query": f"https://example.org/a?{filler}"}[where]

    def normalise() -> None:
        try:
            normalise_url(url)
        except InvalidInput:
            pass

    assert best_of_3(normalise) < 0.05


def test_a_longer_url_is_refused_before_any_pattern_runs():
    with pytest.raises(InvalidInput):
        normalise_url("https://example.org/" + "a" * URL_MAX)
