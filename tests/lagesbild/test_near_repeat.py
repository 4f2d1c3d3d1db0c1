"""The near-repeat section: the Knox table of the chosen categories in the lägesbild, its
sentence, the events it rests on, and the page and API around it."""

import datetime as dt
import json
import math

import numpy as np
import pandas as pd

from samverkan.analysis.geo import to_sweref, to_wgs84
from samverkan.lagesbild.assemble import analyse
from tests.analysis.test_nearrepeat import brute_table
from tests.lagesbild.conftest import LULEA_AGREEMENT
from tests.lagesbild.test_disclosure_outputs import small_counts

FROM, TO = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
START = pd.Timestamp("2025-01-01", tz="UTC")


def burglaries(seed=1, background=120, seeds=40, centre_only=5):
    """Luleå burglaries: independent background, and after each seed event a neighbour
    within 100 m and 7 days; ``centre_only`` more with only the municipality's centre."""
    rng = np.random.default_rng(seed)
    e0, n0 = to_sweref(22.15, 65.58)
    x = e0 + rng.uniform(-3000, 3000, background + seeds)
    y = n0 + rng.uniform(-3000, 3000, background + seeds)
    t = rng.uniform(0, 300, background + seeds)
    angle, radius = rng.uniform(0, 2 * math.pi, seeds), rng.uniform(5, 95, seeds)
    x = np.r_[x, x[:seeds] + radius * np.cos(angle), np.full(centre_only, np.nan)]
    y = np.r_[y, y[:seeds] + radius * np.sin(angle), np.full(centre_only, np.nan)]
    t = np.r_[t, t[:seeds] + rng.uniform(0, 6.5, seeds), rng.uniform(0, 300, centre_only)]
    lon, lat = to_wgs84(x, y)
    frame = pd.DataFrame(
        {
            "occurred_at": START + pd.to_timedelta(t, unit="D"),
            "category": "Inbrott",
            "district": "A",
            "place": None,
            "lon": lon,
            "lat": lat,
        }
    )
    return frame, x, y, t


def test_the_section_finds_a_planted_near_repeat_and_its_table_is_the_pair_loop():
    frame, x, y, t = burglaries()
    result = analyse(frame, date_from=FROM, date_to=TO, parameters={"categories": ["inbrott"]})
    section = result.to_dict()["near_repeat"]
    assert section["tested"] and section["events"] == 200 and section["n_left_out"] == 5
    assert section["primary"]["significant"] and section["primary"]["p_value"] <= 0.05
    assert "tecken på nära upprepning" in section["sentence"]
    # The table against the brute-force loop on the same SWEREF positions (from WGS 84 and
    # back, so a few millimetres may move a pair across a band's edge: compare counts).
    keep = np.isfinite(x)
    xs, ys = to_sweref(*to_wgs84(x[keep], y[keep]))
    reference = brute_table(
        xs, ys, t[keep], d_edges=(100, 200, 300, 400, 500), t_edges=(7, 14, 21, 28)
    )
    table = np.array([c["observed"] for c in section["cells"]]).reshape(reference.shape)
    np.testing.assert_array_equal(table, reference)
    primary = [c for c in section["cells"] if c["primary"]]
    assert sum(c["observed"] for c in primary) == section["primary"]["observed"]
    json.dumps(section, allow_nan=False)


def test_without_a_chosen_category_the_section_asks_for_one():
    frame, *_ = burglaries()
    section = analyse(frame, date_from=FROM, date_to=TO).to_dict()["near_repeat"]
    assert not section["tested"] and "Välj en kategori" in section["sentence"]


def test_too_few_events_are_explained():
    frame, *_ = burglaries(background=10, seeds=3)
    section = analyse(
        frame, date_from=FROM, date_to=TO, parameters={"categories": ["inbrott"]}
    ).to_dict()["near_repeat"]
    assert not section["tested"]
    assert section["sentence"].startswith("För få händelser för ett test av nära upprepning")
    assert section["events"] == 16 and section["n_left_out"] == 5


def test_page_and_api_with_a_category(client, handset, coordinator):
    client.force_login(coordinator)
    query = {"overenskommelse": LULEA_AGREEMENT, "fran": "2025-01-01", "till": "2025-12-31"}
    page = client.get("/lagesbild/", {**query, "kategori": "vald"}).content.decode()
    assert "Nära upprepning (Knoxtest)" in page and "Knoxkvot" in page
    assert "Testet vilar på" in page
    api = client.get(
        "/api/lagesbild", {"agreement": LULEA_AGREEMENT, "from": "2025-01-01",
                           "to": "2025-12-31", "category": "vald"}
    ).json()  # fmt: skip
    near = api["near_repeat"]
    assert near["tested"]
    assert small_counts(near) == []
    assert not any(type(c["observed"]) is int and 0 < c["observed"] < 5 for c in near["cells"])


def test_too_many_pairs_for_a_page_are_explained(monkeypatch):
    from samverkan.lagesbild.sections import near_repeat

    monkeypatch.setattr(near_repeat, "MAX_PAIRS", 50)
    frame, *_ = burglaries()
    section = analyse(
        frame, date_from=FROM, date_to=TO, parameters={"categories": ["inbrott"]}
    ).to_dict()["near_repeat"]
    assert not section["tested"]
    assert "par inom 500 m från varandra, fler än de 50" in section["sentence"]
