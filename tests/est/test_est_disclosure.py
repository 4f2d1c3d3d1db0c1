"""The weekly picture over the API suppresses small counts; the EST page does not."""

# ruff: noqa: F811

from tests.est.test_est_api import bearer
from tests.est.test_weekly import agreement, hand_case, make_report, two_districts  # noqa: F401
from tests.lagesbild.test_disclosure_outputs import small_counts


def test_weekly_picture_api_suppresses_small_counts(client, agreement, hand_case, settings):
    url = f"/api/agreements/{agreement.pk}/weeks/2025/10"
    data = client.get(url, headers=bearer("lasare")).json()
    assert small_counts(data) == []
    assert "1–4" in str(data)
    settings.SAMVERKAN_SMALL_COUNT_LIMIT = 0
    exact = client.get(url, headers=bearer("lasare")).json()
    assert small_counts(exact) != []
    assert exact["total"] == 7
