"""The overlap and gap rule (collaboration.overlap), on plain values."""

from samverkan.collaboration.overlap import (
    COLLABORATION,
    INTERVENTION,
    Entry,
    focus_areas_of_text,
    matrix,
    related,
    target_group_matrix,
    target_group_of_text,
)

AREAS = ["trygghet", "ungdom", "andt"]
LEVELS = ["universell", "selektiv", "indikerad", "utanfor"]
GAP_LEVELS = ["universell", "selektiv", "indikerad"]


def collab(pk, areas, level, group, active=True) -> Entry:
    return Entry(COLLABORATION, pk, f"S{pk}", tuple(areas), level, group, active)


def insats(pk, areas, level, group, active=True) -> Entry:
    return Entry(INTERVENTION, pk, f"I{pk}", tuple(areas), level, group, active)


def cell(rows, area, level):
    return rows[AREAS.index(area)][LEVELS.index(level)]


def test_two_collaborations_for_the_same_group_and_level_are_possible_double_work():
    rows = matrix(
        [
            collab(1, ["ungdom"], "indikerad", "barn_unga"),
            collab(2, ["ungdom"], "indikerad", "barn_unga"),
        ],
        AREAS,
        LEVELS,
        GAP_LEVELS,
    )
    here = cell(rows, "ungdom", "indikerad")
    assert here.overlap
    assert [e.pk for e in here.overlaps["barn_unga"]] == [1, 2]
    assert not here.gap
    # Only that cell is marked; every other triangle cell is empty, so a gap.
    assert sum(c.overlap for row in rows for c in row) == 1
    assert sum(c.gap for row in rows for c in row) == 8


def test_same_level_other_groups_is_no_overlap():
    rows = matrix(
        [
            collab(1, ["andt"], "indikerad", "missbruk"),
            collab(2, ["andt"], "indikerad", "barn_unga"),
        ],
        AREAS,
        LEVELS,
        GAP_LEVELS,
    )
    assert not cell(rows, "andt", "indikerad").overlap


def test_same_group_other_levels_or_areas_is_no_overlap():
    rows = matrix(
        [
            collab(1, ["ungdom"], "selektiv", "barn_unga"),
            collab(2, ["ungdom"], "indikerad", "barn_unga"),
            collab(3, ["trygghet"], "indikerad", "barn_unga"),
        ],
        AREAS,
        LEVELS,
        GAP_LEVELS,
    )
    assert not any(c.overlap for row in rows for c in row)
    # Across the focus areas the breakdown sees the two at the indicated level.
    groups = target_group_matrix(
        [
            collab(2, ["ungdom"], "indikerad", "barn_unga"),
            collab(3, ["trygghet"], "indikerad", "barn_unga"),
        ],
        ["barn_unga"],
        LEVELS,
        GAP_LEVELS,
    )
    assert groups[0][LEVELS.index("indikerad")].overlap


def test_an_ended_collaboration_neither_doubles_nor_fills_a_gap():
    rows = matrix(
        [
            collab(1, ["ungdom"], "indikerad", "barn_unga"),
            collab(2, ["ungdom"], "indikerad", "barn_unga", active=False),
            collab(3, ["andt"], "selektiv", "barn_unga", active=False),
        ],
        AREAS,
        LEVELS,
        GAP_LEVELS,
    )
    assert not cell(rows, "ungdom", "indikerad").overlap
    andt = cell(rows, "andt", "selektiv")
    assert andt.gap and [e.pk for e in andt.collaborations] == [3]  # still shown


def test_interventions_fill_gaps_but_never_count_as_double_work():
    rows = matrix(
        [
            collab(1, ["andt"], "selektiv", "barn_unga"),
            insats(1, ["andt"], "selektiv", "barn_unga"),
            insats(2, ["trygghet"], "universell", None),
            insats(3, ["ungdom"], "universell", "vardnadshavare", active=False),
        ],
        AREAS,
        LEVELS,
        GAP_LEVELS,
    )
    assert not cell(rows, "andt", "selektiv").overlap
    assert not cell(rows, "trygghet", "universell").gap
    assert cell(rows, "ungdom", "universell").gap  # a finished intervention fills nothing


def test_outside_the_triangle_is_never_a_gap_and_one_entry_counts_in_each_of_its_areas():
    rows = matrix(
        [collab(1, ["trygghet", "ungdom"], "selektiv", "alla")], AREAS, LEVELS, GAP_LEVELS
    )
    assert not any(row[LEVELS.index("utanfor")].gap for row in rows)
    assert not cell(rows, "trygghet", "selektiv").gap
    assert not cell(rows, "ungdom", "selektiv").gap
    assert not cell(rows, "ungdom", "selektiv").overlap


def test_no_entries_no_overlap_and_every_triangle_cell_a_gap():
    rows = matrix([], AREAS, LEVELS, GAP_LEVELS)
    assert sum(c.gap for row in rows for c in row) == 9
    assert not any(c.overlap for row in rows for c in row)


def test_a_collaboration_without_a_target_group_overlaps_nothing():
    rows = matrix(
        [collab(1, ["andt"], "universell", None), collab(2, ["andt"], "universell", None)],
        AREAS,
        LEVELS,
        GAP_LEVELS,
    )
    assert not cell(rows, "andt", "universell").overlap


def test_related_lists_active_collaborations_at_the_level_for_the_group():
    entries = [
        collab(1, ["ungdom"], "indikerad", "barn_unga"),
        collab(2, ["ungdom"], "indikerad", "barn_unga", active=False),
        collab(3, ["andt"], "indikerad", "missbruk"),
        collab(4, ["ungdom"], "selektiv", "barn_unga"),
        insats(5, ["ungdom"], "indikerad", "barn_unga"),
    ]
    assert [e.pk for e in related(entries, "indikerad", "barn_unga")] == [1]
    assert [e.pk for e in related(entries, "indikerad", None)] == [1, 3]


def test_reading_free_text():
    assert target_group_of_text("Föräldrar till barn 10–15 år i Björkskatan.") == "vardnadshavare"
    assert target_group_of_text("Unga 13–17 år som fältgruppen ser i riskzon.") == "barn_unga"
    assert target_group_of_text("Unga vuxna 18–25 år") == "unga_vuxna"
    assert target_group_of_text("Platsen: gångtunneln mot parkeringen.") is None
    assert target_group_of_text("") is None
    assert focus_areas_of_text("6.3 ANDT(S) (Alkohol, Narkotika, Doping, Tobak, Spel)") == ("andt",)
    assert focus_areas_of_text("Skadegörelse vid Bergnäsets centrum") == ("trygghet",)
    assert focus_areas_of_text("6.2 Ungdomar") == ("ungdom",)
    assert focus_areas_of_text("Kommunikation") == ()
