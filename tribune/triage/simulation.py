"""Generated traffic for tests and the benchmark: a coordinated campaign
(paraphrases, reordered words, added emoji) mixed into ordinary comments.

Everything here is written for Tribune; nothing comes from the training data.
"""

from __future__ import annotations

import random

CAMPAIGN = (
    "The minister lied about the harbour contract and the newspaper is hiding the truth "
    "from honest citizens who deserve real answers today"
)
SYNONYMS = {
    "lied": ["lied", "was lying", "told lies"], "hiding": ["hiding", "concealing", "covering"],
    "honest": ["honest", "decent", "ordinary"], "real": ["real", "true", "proper"],
    "today": ["today", "now", "right now"], "truth": ["truth", "facts", "truth"],
    "deserve": ["deserve", "need", "deserve"], "citizens": ["citizens", "people", "citizens"],
}
EMOJI = ["😡", "🔥", "👎", "‼️", "🤬", "💯", "😤"]

TOPICS = [
    "the new tram line", "school lunches", "the river clean-up", "the library hours",
    "the football final", "rent in the old town", "the budget vote", "winter heating",
    "the farmers' market", "night buses", "the bridge repairs", "hospital waiting times",
    "the jazz festival", "recycling rules", "bike lanes", "the museum reopening",
]
OPENERS = [
    "I think", "Honestly,", "As a parent,", "From what I saw,", "My neighbour says",
    "In my experience", "To be fair,", "Years ago", "Surprisingly,", "I doubt",
]
VERBS = [
    "is better than last year", "needs more money", "was explained well here",
    "deserves a follow-up", "confuses many of us", "is long overdue",
    "could use clearer rules", "worked fine for my family", "is overrated",
    "should be discussed at the next council meeting",
]
ENDINGS = [
    "Thanks for the reporting.", "Curious what others think.", "Keep us posted.",
    "Let's see what happens in spring.", "Good piece overall.", "Not convinced yet.",
    "The photos were great.", "Please check the figures again.", "", "",
]


def campaign_variant(rng: random.Random) -> str:
    """One disguised copy of the campaign text."""
    words = [rng.choice(SYNONYMS[w]) if w in SYNONYMS else w for w in CAMPAIGN.split()]
    clauses = " ".join(words).split(" and ")
    rng.shuffle(clauses)
    text = " and ".join(clauses)
    if rng.random() < 0.5:
        cut = rng.randrange(3, 8)
        tokens = text.split()
        text = " ".join(tokens[cut:] + tokens[:cut])
    if rng.random() < 0.3:
        text = text.upper()
    elif rng.random() < 0.5:
        text = text.capitalize()
    emoji = "".join(rng.choice(EMOJI) for _ in range(rng.randrange(0, 4)))
    return f"{text} {emoji}".strip() + rng.choice(["", "!", "!!", "."])


WORDS = (
    "morning evening street corner teacher bakery window garden council budget tax price "
    "winter summer autumn spring bus train station bridge river harbour market shop coffee "
    "neighbour daughter son mother father friend colleague doctor nurse driver farmer "
    "student pupil school college library museum theatre concert song film book paper "
    "photo figure chart report interview question answer promise plan project road lane "
    "park tree flower rain snow wind heat cold water electricity gas bill wage job office "
    "factory port ship plane airport ticket queue form permit licence rule law court judge "
    "police fire safety health clinic pharmacy medicine vaccine exam grade sport match goal "
    "team coach player fan stadium club festival holiday weekend week month year decade "
    "history memory village town city region country border election vote party mayor "
    "minister speech debate survey poll number detail mistake error fact source quote "
    "careful quick slow cheap expensive quiet loud busy empty early late local national "
    "honest fair clear strange useful difficult simple modern old new small large"
).split()


def ordinary(rng: random.Random) -> str:
    """An ordinary reader's comment on one of many topics, in its own words."""
    first = rng.choice(TOPICS)
    detail = " ".join(rng.sample(WORDS, rng.randrange(8, 16)))
    return " ".join(filter(None, [
        rng.choice(OPENERS), first, rng.choice(VERBS) + ":", detail + ".",
        rng.choice(ENDINGS),
    ]))


def traffic(*, campaign: int, ordinary_count: int, seed: int = 7) -> list[tuple[str, bool]]:
    """``(text, is_campaign)`` in a shuffled order."""
    rng = random.Random(seed)
    items = [(campaign_variant(rng), True) for _ in range(campaign)]
    items += [(ordinary(rng), False) for _ in range(ordinary_count)]
    rng.shuffle(items)
    return items
