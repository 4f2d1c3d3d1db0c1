"""The API and the command line give the same JSON; the hot-spot grid can be checked
independently (esda's G_Local on the grid the API returns)."""

import io
import json
import re
import warnings

import esda
import libpysal
import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from scipy import stats
from statsmodels.stats.multitest import multipletests

from samverkan.analysis.geo import to_sweref
from tests.lagesbild.conftest import LULEA_AGREEMENT, visible_rows

URL = "/api/lagesbild"


def _get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_api_returns_the_hotspot_grid_that_esda_confirms(client, handset, coordinator, settings):
    settings.SAMVERKAN_SMALL_COUNT_LIMIT = 0  # exact counts: suppression is off
    response = _get(
        client, coordinator, agreement=LULEA_AGREEMENT, **{"from": "2025-01-01"}, to="2025-12-31"
    )
    assert response.status_code == 200, response.content
    h = response.json()["hotspots"]
    rows, cols, cell = h["rows"], h["cols"], h["cell"]
    counts = np.zeros((rows, cols))
    for c in h["cells"]:
        assert c["index"] == c["j"] * cols + c["i"]
        counts[c["j"], c["i"]] = c["count"]
    # Independent binning of the hand-set positions on the API's origin and cell size.
    pts = [r for r in visible_rows() if r[0].year == 2025 and not r[5].get("centre")]
    lat = np.array([65.5842 + r[3] for r in pts])
    lon = np.array([22.1547 + r[4] for r in pts])
    e, n = to_sweref(lon, lat)
    mine = np.zeros((rows, cols))
    for x, y in zip(e, n, strict=True):
        mine[int((y - h["origin"][1]) // cell), int((x - h["origin"][0]) // cell)] += 1
    np.testing.assert_array_equal(mine, counts)
    # The study area is the cells listed (centre inside the districts): esda on the lattice
    # restricted to them.
    ids = [c["index"] for c in h["cells"]]
    assert h["area"]["cells"] == len(ids) and h["area"]["source"] == "districts"
    w = libpysal.weights.w_subset(libpysal.weights.lat2W(rows, cols, rook=False), ids)
    y = counts.ravel()[ids]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = esda.getisord.G_Local(y, w, star=True, transform="B", permutations=0)
    z = np.array([c["z"] for c in h["cells"]])
    p = np.array([c["p"] for c in h["cells"]])
    np.testing.assert_allclose(z, reference.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(p, reference.p_norm, rtol=0, atol=1e-9)
    # The decision, by hand: the window count against Binomial(total, c / N), doubled,
    # Benjamini–Hochberg over the area (statsmodels), at least 3 events in the window. On
    # this tight cluster the old normal rule (2 p_norm < 0.05 per cell) finds no fewer.
    position = {k: n for n, k in enumerate(ids)}
    window = np.array(
        [y[i] + sum(y[position[j]] for j in w.neighbors[k]) for i, k in enumerate(ids)]
    )
    card = np.array([1 + len(w.neighbors[k]) for k in ids])
    total, N = y.sum(), len(ids)
    upper = stats.binom.sf(window - 1, total, card / N)
    eligible = (z > 0) & (window >= 3)
    p_hand = np.where(eligible, np.minimum(2 * upper, 1), 1.0)
    q = multipletests(p_hand, method="fdr_bh")[1]
    hot95 = int(((q < 0.05) & (z > 0)).sum())
    old_rule = int(((z > 0) & (2 * p < 0.05)).sum())
    assert h["test"] == "binomial" and h["min_events"] == 3 and h["fdr_level"] == 0.05
    assert h["n_hot"]["95"] == hot95 > 0
    assert old_rule >= hot95
    np.testing.assert_allclose([c["q"] for c in h["cells"]], q, rtol=1e-9, atol=1e-12)


def test_cli_json_equals_the_api(client, handset, coordinator):
    api = _get(client, coordinator, agreement=LULEA_AGREEMENT, **{"from": "2025-01-01"}, to="2025-12-31",
               category=["vald", "klotter"]).json()  # fmt: skip
    out = io.StringIO()
    call_command(
        "lagesbild", "--agreement", LULEA_AGREEMENT, "--from", "2025-01-01", "--to", "2025-12-31",
        "--category", "vald", "--category", "klotter", "--user", "samordnare", "--format", "json",
        stdout=out,
    )  # fmt: skip
    cli = json.loads(out.getvalue())
    assert cli == api
    assert cli["key_figures"]["total"] > 0


def test_cli_text_and_errors(handset):
    out = io.StringIO()
    call_command("lagesbild", "--agreement", LULEA_AGREEMENT, "--from", "2025-01-01",
                 "--to", "2025-12-31", "--format", "text", stdout=out)  # fmt: skip
    text = out.getvalue()
    assert "Helgnätter" in text and "Trender" in text
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    with pytest.raises(CommandError, match="ÅÅÅÅ-MM-DD"):
        call_command(
            "lagesbild", "--agreement", LULEA_AGREEMENT, "--from", "1 jan", "--to", "2025-12-31"
        )
    with pytest.raises(CommandError, match="finns inte"):
        call_command(
            "lagesbild", "--agreement", "nope", "--from", "2025-01-01", "--to", "2025-12-31"
        )


def test_api_bad_parameters_are_swedish_422(client, handset, coordinator):
    response = _get(
        client, coordinator, agreement=LULEA_AGREEMENT, **{"from": "2025-12-31"}, to="2025-01-01"
    )
    assert response.status_code == 422
    assert "före startdatum" in json.dumps(response.json(), ensure_ascii=False)
    response = _get(client, coordinator, agreement=LULEA_AGREEMENT, **{"from": "2025-01-01"}, to="2025-12-31",
                    district="Ingenstans")  # fmt: skip
    assert response.status_code == 422
    assert "Ingenstans" in json.dumps(response.json(), ensure_ascii=False)


def test_api_hides_another_partys_agreement(client, handset, boden_user):
    response = _get(
        client, boden_user, agreement=LULEA_AGREEMENT, **{"from": "2025-01-01"}, to="2025-12-31"
    )
    assert response.status_code == 422
    assert "inte synlig" in json.dumps(response.json(), ensure_ascii=False)


def test_api_requires_login(client, handset):
    assert client.get(URL, {"agreement": LULEA_AGREEMENT}).status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2030-01-01", "to": "2030-12-31"},  # empty period
        {"from": "2025-03-07", "to": "2025-03-07"},  # a single day: one event
        {"from": "2000-01-01", "to": "2029-12-31"},  # longer than the data
    ],
)
def test_api_bad_input_gives_valid_json(client, handset, coordinator, params):
    response = _get(client, coordinator, agreement=LULEA_AGREEMENT, **params)
    assert response.status_code == 200
    text = response.content.decode()
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)
