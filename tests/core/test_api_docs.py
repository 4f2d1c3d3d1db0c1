"""/api/docs works with no network: Swagger UI from django-ninja's own static files."""

import re

import pytest
from django.test import Client

from samverkan.demo.load import DEMO_PASSWORD


@pytest.mark.django_db
def test_api_docs_reference_only_local_static_files():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s for s in sources)
    assert any("swagger-ui.css" in s for s in sources)
    outside = [s for s in sources if re.match(r"^(https?:)?//", s)]
    assert outside == []
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    assert "redoc" not in html.lower()


def test_the_docs_static_files_are_served(demo, live_server):
    # Each script and stylesheet the page names is there (not a 404).
    client = Client()
    client.post("/login/", {"username": "samordnare", "password": DEMO_PASSWORD})
    html = client.get("/api/docs").content.decode()
    from django.contrib.staticfiles import finders

    for source in re.findall(r'(?:src|href)="/static/([^"?]+)', html):
        assert finders.find(source), source
