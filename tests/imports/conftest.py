import datetime as dt

import pytest
from django.utils import timezone

from samverkan.incidents.models import Incident
from tests.incidents.conftest import HERTSO_CENTRUM

LAT, LON = (str(v).replace(".", ",") for v in HERTSO_CENTRUM)


@pytest.fixture
def demo(demo) -> None:
    # Without the demo's synthetic reports, so that counts start at zero.
    Incident.objects.filter(source="form", external_id__startswith="demo-").delete()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def yesterday(hour: int = 21) -> str:
    day = timezone.localdate() - dt.timedelta(days=1)
    return f"{day:%Y-%m-%d} {hour:02d}:30"


def est_csv(*descriptions: str, header: str = "Datum;Typ;Beskrivning;Lat;Lon") -> bytes:
    rows = [
        f"{yesterday(20 + i % 3)};Klotter;{text};{LAT};{LON}" for i, text in enumerate(descriptions)
    ]
    return ("\n".join([header, *rows]) + "\n").encode("cp1252")
