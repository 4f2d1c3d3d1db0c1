import pytest
from django.utils import translation

from samverkan.demo.prevention import REPORT_PREFIX
from samverkan.incidents.models import Incident
from samverkan.places.models import District
from samverkan.prevention import services
from samverkan.prevention.models import CauseAnalysis, Method, Problem, Promise


@pytest.fixture
def demo(demo, request) -> None:
    # Without the demo's synthetic reports: each test adds the few it counts. Without the
    # demo's prevention work too (problems, promises, the method library, the reports its
    # evaluation measures), unless the module is about that demo (KEEP_DEMO = True).
    keep = getattr(request.module, "KEEP_DEMO", False)
    quick = Incident.objects.filter(external_id__startswith="demo-")
    (quick.exclude(external_id__startswith=REPORT_PREFIX) if keep else quick).delete()
    if not keep:
        Problem.objects.all().delete()
        Promise.objects.all().delete()
        Method.objects.all().delete()


@pytest.fixture(autouse=True)
def _back_to_swedish():
    yield
    translation.deactivate()


@pytest.fixture
def lulea(lulea_plan):
    return lulea_plan.agreement


@pytest.fixture
def boden(boden_plan):
    return boden_plan.agreement


@pytest.fixture
def lulea_districts(lulea):
    districts = list(District.objects.filter(municipality__name="Luleå kommun").order_by("name"))
    assert len(districts) >= 3
    return districts


@pytest.fixture
def problem(coordinator, lulea, lulea_districts):
    return services.problem_create(
        by=coordinator,
        agreement=lulea,
        title="Skadegörelse vid centrumtorget",
        description="Krossade rutor och klotter på kvällar",
        when="Fredagar och lördagar 21–02",
        affected_groups="Butiker och resenärer vid hållplatsen",
        districts=lulea_districts[:1],
    )


@pytest.fixture
def analysis(coordinator, problem):
    return services.cause_analysis_create(
        by=coordinator,
        problem=problem,
        offender="Grupper av unga som samlas efter att fritidsgården stängt",
        place_manager="Fastighetsägaren",
        place_manager_weak=True,
        causes=[
            {"bone": "objekt_plats", "text": "Dålig belysning", "direct": True},
            {"bone": "gärningsperson", "text": "Inget att göra efter 21", "direct": False},
        ],
    )


@pytest.fixture
def reviewed(coordinator, analysis) -> CauseAnalysis:
    return services.cause_analysis_set_status(
        analysis=analysis, by=coordinator, status=CauseAnalysis.Status.REVIEWED
    )
