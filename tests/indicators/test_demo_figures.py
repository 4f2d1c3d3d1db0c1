"""The demo's synthetic yearly figures stand beside the plan's real ones, clearly marked."""

from django.utils import timezone

from samverkan.demo.figures import SYNTHETIC_NOTE, SYNTHETIC_SOURCE_NAME, load_synthetic_figures
from samverkan.indicators.models import Indicator, Observation
from samverkan.indicators.seed_figures import SEED_SOURCE_SLUG


def test_synthetic_figures_span_several_years_and_are_marked(demo):
    assert load_synthetic_figures() > 0
    synthetic = Observation.objects.filter(indicator__source__name=SYNTHETIC_SOURCE_NAME)
    years = set(synthetic.values_list("period_start__year", flat=True))
    assert len(years) >= 6
    assert max(years) == timezone.localdate().year - 1
    assert all(o.note == SYNTHETIC_NOTE for o in synthetic)
    assert all("(syntetisk)" in o.indicator.name for o in synthetic.select_related("indicator"))
    # The plan's real figures are still there, under their own source.
    assert Observation.objects.filter(indicator__source__slug=SEED_SOURCE_SLUG).exists()
    assert load_synthetic_figures() == 0


def test_the_synthetic_crime_figures_belong_to_the_safety_area(demo):
    load_synthetic_figures()
    areas = dict(
        Indicator.objects.filter(source__name=SYNTHETIC_SOURCE_NAME).values_list(
            "code", "focus_area"
        )
    )
    assert areas == {
        "demo-folkmangd": "",
        "demo-anmalda-brott": "6.1",
        "demo-anmalda-brott-per-100k": "6.1",
        "demo-anmalda-vald-per-100k": "6.1",
    }
