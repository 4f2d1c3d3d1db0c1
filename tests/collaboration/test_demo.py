"""The Luleå demo's inventory: the plan's four examples and two more, the review, and an
overlap view with a marked double work and a gap."""

from samverkan.collaboration import selectors
from samverkan.collaboration.models import Collaboration
from samverkan.demo.collaboration import load_collaborations

SEED_FOUR = {
    "Sociala insatsgrupper (SIG)",
    "SMADIT – Samverkan mot alkohol och droger i trafiken",
    "Samverkan mot våldsbejakande extremism",
    "Samverkan inom ramen för LUL",
}


def test_the_demo_holds_the_four_examples_marked_as_examples(demo, lulea):
    collaborations = Collaboration.objects.filter(agreement=lulea)
    assert SEED_FOUR <= set(collaborations.values_list("name", flat=True))
    assert all(collaborations.values_list("is_example", flat=True))
    assert all(c.parties.exists() for c in collaborations)


def test_loading_again_adds_nothing(demo, lulea):
    before = Collaboration.objects.count()
    load_collaborations()
    assert Collaboration.objects.count() == before
    assert lulea.collaboration_reviews.count() == 1


def test_the_overview_has_an_overlap_and_a_gap(demo, lulea, reader):
    overview = selectors.overview(reader, lulea)
    cells = {(area, cell.level): cell for area, _label, row in overview.areas for cell in row}
    assert cells[("ungdom", "indikerad")].overlap
    assert cells[("andt", "selektiv")].gap
    assert overview.overlaps >= 1 and overview.gaps >= 1
