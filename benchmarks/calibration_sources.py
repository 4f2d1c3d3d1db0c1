"""Polisen's event times: how often the hour comes from the notice's title, and whether the
title's time is read right.

Two scenarios, both through the real parse (``incidents.importers.polisen.parse``, pure):

- the recorded-format fixture of both eras (tests/fixtures/polisen/events-eras.json,
  constructed in the API's format; events-sample.json is left out, its publication times
  equal the titles'): the share of events whose time came from the title, and the median publication
  delay (``datetime`` minus the title's time), in hours;
- constructed events with a known event time, spread over several years (New Year, the
  changes to and from summer time included) and published after a delay drawn from a
  log-normal with median 0.8 h (a tenth of them 3–30 h later, as night events are): the share
  whose parsed time equals the known time. The target is all of them but the hour that
  occurs twice when summer time ends (02.00–02.59 on the last Sunday of October): a title
  in it does not say which, and is read as summer time.

    python benchmarks/calibration_sources.py [--replicates 20000] [--seed 1]
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

from samverkan.analysis.formatting import format_decimal
from samverkan.incidents.importers.polisen import MONTHS_SV, parse

FIXTURE = Path(__file__).resolve().parent.parent / "tests/fixtures/polisen/events-eras.json"
MUNICIPALITIES = {"Luleå": "2580", "Boden": "2582"}
STOCKHOLM = ZoneInfo("Europe/Stockholm")
MONTH_NAMES = {number: name for name, number in MONTHS_SV.items()}
TEST = "Polisens händelsetid ur rubriken"


def _row(scenario, replicates, measure, rate, unit, target, started, **extra) -> dict:
    return {
        "test": TEST,
        "scenario": scenario,
        "replicates": replicates,
        "measure": measure,
        "rate": float(rate),
        "unit": unit,
        "target": target,
        "seconds": time.perf_counter() - started,
        **extra,
    }


def fixture_row() -> dict:
    started = time.perf_counter()
    rows = parse(FIXTURE.read_bytes(), municipalities=MUNICIPALITIES).rows
    titled = [r for r in rows if r.title_timed]
    delays = [(r.published_at - r.occurred_at).total_seconds() / 3600 for r in titled]
    median = statistics.median(delays) if delays else float("nan")
    share = len(titled) / len(rows) if rows else float("nan")
    return _row(
        f"inspelat format: {len(rows)} händelser i {FIXTURE.name}; median "
        f"publiceringsfördröjning {format_decimal(median, 2)} h",
        len(rows),
        "andel",
        share,
        "andel",
        "alla händelser vars rubrik har en tid",
        started,
        median_delay_hours=median,
    )


def constructed_events(n: int, seed: int) -> tuple[list[dict], list[dt.datetime]]:
    rng = np.random.default_rng(seed)
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC).timestamp()
    seconds = rng.integers(0, 4 * 365 * 86400, n)
    # The hours around New Year and the changes of summer time, over-sampled.
    changes = {2023: (26, 29), 2024: (31, 27), 2025: (30, 26), 2026: (29, 25)}  # last Sundays
    special = [
        dt.datetime(y, m, d, h, tzinfo=STOCKHOLM).timestamp()
        for y, (march, october) in changes.items()
        for (m, d, h) in ((12, 31, 23), (1, 1, 0), (3, march, 1), (10, october, 1))
    ]
    picks = rng.random(n) < 0.1
    seconds = np.where(picks, rng.choice(special, n) - start + rng.integers(0, 7200, n), seconds)
    delays = rng.lognormal(np.log(0.8 * 3600), 0.6, n)
    late = rng.random(n) < 0.1
    delays = np.where(late, rng.uniform(3 * 3600, 30 * 3600, n), delays)
    events, truth = [], []
    for i in range(n):
        moment = dt.datetime.fromtimestamp(start + float(seconds[i]), tz=dt.UTC)
        moment = moment.replace(second=0, microsecond=0)
        local = moment.astimezone(STOCKHOLM)
        published = (moment + dt.timedelta(seconds=float(delays[i]))).astimezone(STOCKHOLM)
        hour = str(local.hour) if i % 2 else f"{local.hour:02d}"
        offset = published.utcoffset() // dt.timedelta(hours=1)
        events.append(
            {
                "id": i + 1,
                "datetime": f"{published:%Y-%m-%d} {published.hour}:{published:%M:%S} "
                f"+{offset:02d}:00",
                "name": f"{local.day} {MONTH_NAMES[local.month]} {hour}.{local:%M}, Brand, Luleå",
                "summary": "Brand.",
                "url": "/aktuellt/handelser/x/",
                "type": "Brand",
                "location": {"name": "Norrbottens län", "gps": "66.830899,20.399244"},
            }
        )
        truth.append(moment)
    return events, truth


def constructed_row(replicates: int, seed: int) -> dict:
    started = time.perf_counter()
    events, truth = constructed_events(replicates, seed)
    rows = parse(json.dumps(events), municipalities=MUNICIPALITIES).rows
    right = sum(r.title_timed and r.occurred_at == truth[int(r.external_id) - 1] for r in rows)
    return _row(
        "konstruerat: känd händelsetid 2023–2026 (nyår och sommartidsskiften översamplade), "
        "publicerad efter log-normal fördröjning med median 0,8 h, var tionde 3–30 h",
        replicates,
        "andel",
        right / replicates,
        "andel rätt tid",
        "≥ 99,9 % (bara timmen som upprepas i oktober är tvetydig)",
        started,
    )


DEFAULT_REPLICATES = 20000


def scenarios(replicates: int = 20000, seed: int = 1) -> list[dict]:
    return [fixture_row(), constructed_row(replicates, seed)]


if __name__ == "__main__":
    from calibration import run_alone

    run_alone("sources")
