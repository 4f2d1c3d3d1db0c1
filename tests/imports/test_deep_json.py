"""JSON nested thousands of levels deep is refused with a Swedish message at every door it
can come in through: a Polisen file and a Polisen fetch, an answer of Kolada or SCB, a
district GeoJSON, a drawn boundary and an indicator mapping file. Python's decoder raises
RecursionError on such text; none of these may end in a traceback."""

import json

import pytest
import requests
from django.core.exceptions import ValidationError

from samverkan.imports.http import FetchError, get_json
from samverkan.incidents.importers.polisen import PolisenPayloadError
from samverkan.incidents.importers.polisen_load import import_polisen
from samverkan.indicators.importers.generic import MappingError, load_mapping
from samverkan.places.districtfile import DistrictFileInvalid, parse_district_file
from samverkan.places.geometry import parse_geometry

DEEP = "[" * 200_000 + "]" * 200_000


def test_the_text_is_deep_enough_to_break_the_decoder():
    with pytest.raises(RecursionError):
        json.loads(DEEP)


@pytest.mark.django_db
def test_a_polisen_file(demo):
    with pytest.raises(PolisenPayloadError, match="för djupt nästlad"):
        import_polisen(DEEP.encode())


def test_an_answer_of_a_statistics_api(monkeypatch):
    def send(session, request, **kwargs):
        response = requests.Response()
        response.status_code = 200
        response._content = DEEP.encode()
        response.url = request.url
        response.request = request
        return response

    monkeypatch.setattr(requests.Session, "send", send)
    with pytest.raises(FetchError, match="nästlad i tusentals nivåer"):
        get_json(requests.Session(), "https://api.example.org/v2/data", retries=1)


def test_a_district_file():
    with pytest.raises(DistrictFileInvalid, match="nästlad i tusentals nivåer"):
        parse_district_file(DEEP.encode())


def test_a_drawn_boundary():
    with pytest.raises(ValidationError, match="nästlad i tusentals nivåer"):
        parse_geometry('{"type": "Polygon", "coordinates": ' + DEEP + "}")


def test_an_indicator_mapping_file(tmp_path):
    path = tmp_path / "mappning.json"
    path.write_text('{"a": ' + DEEP + "}", encoding="utf-8")
    with pytest.raises(MappingError, match="nästlad i tusentals nivåer"):
        load_mapping(str(path))
