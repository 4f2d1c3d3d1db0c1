"""The small-count rule on plain data: the label, what is withheld with a suppressed count,
and complementary suppression checked against an independent derivation test."""

import copy
import itertools

import numpy as np
import pytest

from samverkan.core import disclosure
from samverkan.core.disclosure import suppress_count, suppress_tree


@pytest.mark.parametrize(
    ("value", "limit", "shown"),
    [
        (0, 5, 0),
        (1, 5, "1–4"),
        (4, 5, "1–4"),
        (5, 5, 5),
        (None, 5, None),
        (3, 0, 3),  # 0 turns suppression off
        (2, 2, "1–2"),  # a limit below 3 would print "1–1": it is raised to 3
        (9, 10, "1–9"),
        (True, 5, True),  # a flag is no count
    ],
)
def test_suppress_count(value, limit, shown):
    assert suppress_count(value, limit) == shown


def test_a_suppressed_row_loses_what_was_computed_from_it():
    data = {
        "total": 40,
        "change": 0.5,
        "sentence": "40 händelser mot 3.",
        "rows": [
            {"name": "A", "count": 3, "share": 0.075, "ci_low": 0.02, "sentence": "3 av 40"},
            {"name": "B", "count": 37, "share": 0.925, "ci_low": 0.8, "sentence": "37 av 40"},
        ],
    }
    before = copy.deepcopy(data)
    out = suppress_tree(data, 5, notice="(skyddat)")
    assert data == before  # a copy, the input untouched
    a, b = out["rows"]
    assert a == {"name": "A", "count": "1–4", "share": None, "ci_low": None,
                 "sentence": "(skyddat)"}  # fmt: skip
    # Complementary: B is the only other non-zero count; 40 − B would give A.
    assert b["count"] == "≥ 5" and b["share"] is None and b["sentence"] == "(skyddat)"
    # The dict above a suppressed row: its derived figures and sentences go too.
    assert out["change"] is None and out["sentence"] == "(skyddat)"
    assert out["total"] == 40


def test_joint_figures_are_withheld_in_every_row_of_the_list():
    cells = [{"count": c, "z": 0.1 * c, "p": 0.5, "class": "hot"} for c in (0, 2, 9, 12, 30)]
    out = suppress_tree({"cells": cells}, 5)["cells"]
    assert [c["count"] for c in out] == [0, "1–4", "≥ 5", 12, 30]
    assert all(c["z"] is None and c["p"] is None for c in out)
    assert [c["class"] for c in out] == ["hot"] * 5  # the class is not a count


def test_without_small_counts_nothing_changes():
    data = {"total": 12, "share": 0.5, "rows": [{"count": 0, "z": 1.0}, {"count": 12, "z": 2.0}]}
    assert suppress_tree(data, 5) == data
    assert suppress_tree({"rows": [{"count": 2, "z": 1.0}]}, 0) == {
        "rows": [{"count": 2, "z": 1.0}]
    }


def _derivable(original: list[int], shown: list) -> list[int]:
    """Independent check: the rows whose true count follows exactly from the published total
    and the other rows (each hidden row is known to lie in its label's range)."""
    hidden = [k for k, v in enumerate(shown) if not isinstance(v, int)]
    total = sum(original)
    known = sum(v for v in shown if isinstance(v, int))
    found = []
    for k in hidden:
        ranges = []
        for m in hidden:
            if m == k:
                continue
            ranges.append(range(1, 5) if shown[m] == "1–4" else range(5, total + 1))
        options = set()
        for combo in itertools.product(*ranges) if ranges else [()]:
            value = total - known - sum(combo)
            lo, hi = (1, 4) if shown[k] == "1–4" else (5, total)
            if lo <= value <= hi:
                options.add(value)
        if len(options) == 1:
            found.append(k)
    return found


def test_complementary_suppression_leaves_no_count_derivable_from_the_total():
    rng = np.random.default_rng(4)
    for _ in range(300):
        counts = [int(v) for v in rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 13, 20], rng.integers(2, 6))]
        shown = [r["count"] for r in suppress_tree([{"count": c} for c in counts], 5)]
        if sum(counts) < 5:
            continue  # the total itself is suppressed where it is published
        if all(not isinstance(s, int) for s, c in zip(shown, counts, strict=True) if c):
            # Every non-zero row hidden (1 and 5 of 6): only hiding the total would help.
            continue
        assert _derivable(counts, shown) == [], (counts, shown)
        assert all(s == c for s, c in zip(shown, counts, strict=True) if isinstance(s, int))


def test_outbound_reads_the_setting(settings):
    settings.SAMVERKAN_SMALL_COUNT_LIMIT = 10
    out = disclosure.outbound({"rows": [{"count": 7}, {"count": 0}]})
    assert out["rows"][0]["count"] == "1–9"
    settings.SAMVERKAN_SMALL_COUNT_LIMIT = 0
    assert disclosure.outbound({"rows": [{"count": 7}]})["rows"][0]["count"] == 7
