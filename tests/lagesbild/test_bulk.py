"""The lägesbild's bulk read into Arrow (samverkan.lagesbild.bulk): the same frame as the
values_list reading it replaced, the same frame through ADBC and through Django's own
connection, local time computed once, and a scan (not an index walk) for a wide read on
SQLite."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from samverkan.analysis.counts import LOCAL_COLUMN, with_local_time
from samverkan.core.models import User
from samverkan.lagesbild import bulk, selectors
from samverkan.plans.models import Agreement

LULEA = "lulea-polisen-2020-2023"


def values_list_frame(queryset) -> pd.DataFrame:
    """The reading incident_frame had before Arrow: values_list into pandas."""
    rows = list(queryset.order_by().values_list(*selectors.FIELDS))
    if not rows:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in selectors.COLUMNS})
        frame["occurred_at"] = pd.Series(dtype="datetime64[ns, UTC]")
        frame["updated_at"] = pd.Series(dtype="datetime64[ns, UTC]")
        frame["lat"] = pd.Series(dtype=float)
        frame["lon"] = pd.Series(dtype=float)
        return frame
    frame = pd.DataFrame.from_records(rows, columns=list(selectors.COLUMNS))
    frame["occurred_at"] = pd.to_datetime(frame["occurred_at"], utc=True)
    frame["updated_at"] = pd.to_datetime(frame["updated_at"], utc=True)
    lat = pd.to_numeric(frame["lat"], errors="coerce").astype(float)
    lon = pd.to_numeric(frame["lon"], errors="coerce").astype(float)
    centre = frame["position_is_centre"].astype(bool).to_numpy()
    frame["lat"] = np.where(centre, np.nan, lat)
    frame["lon"] = np.where(centre, np.nan, lon)
    return frame


def _queryset(username="samordnare", **narrow):
    agreement = Agreement.objects.get(slug=LULEA)
    user = User.objects.get(username=username)
    base = selectors.scoped_incidents(agreement, user, shared=False, include_summaries=False)
    kwargs = {"date_from": dt.date(2000, 1, 1), "date_to": dt.date(2100, 1, 1),
              "districts": None, "categories": None} | narrow  # fmt: skip
    return selectors.narrowed(base, **kwargs)


def _by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("id", kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("username", ["samordnare", "kommunpolis", "boden"])
def test_the_arrow_frame_equals_the_values_list_frame_on_the_demo(demo, username):
    queryset = _queryset(username)
    old, new = values_list_frame(queryset), selectors.incident_frame(queryset)
    assert len(new) == queryset.count()
    assert (len(new) > 100) == (username != "boden")
    assert list(new.columns) == list(selectors.COLUMNS)
    assert dict(new.dtypes) == dict(old.dtypes)
    assert str(new["occurred_at"].dt.tz) == "UTC"
    pd.testing.assert_frame_equal(_by_id(new), _by_id(old), check_exact=True)


def test_the_arrow_frame_equals_the_values_list_frame_with_missing_values(handset):
    # The hand-built set has a report without a district and one at the centre (NaN).
    queryset = _queryset()
    old, new = values_list_frame(queryset), selectors.incident_frame(queryset)
    assert new["district"].isna().any() and new["lat"].isna().any() and len(new) > 100
    assert dict(new.dtypes) == dict(old.dtypes)
    pd.testing.assert_frame_equal(_by_id(new), _by_id(old), check_exact=True)


def test_local_time_is_the_same_as_with_local_time(demo):
    frame = selectors.incident_frame(_queryset(), local_time=True)
    assert list(frame.columns) == [*selectors.COLUMNS, LOCAL_COLUMN]
    expected = with_local_time(frame.drop(columns=[LOCAL_COLUMN]))[LOCAL_COLUMN]
    pd.testing.assert_series_equal(frame[LOCAL_COLUMN], expected, check_exact=True)
    # Across the change to summer time: 2025-03-30 01:30 UTC is 03:30 in Stockholm.
    assert frame[LOCAL_COLUMN].dt.tz is None


def test_an_empty_read_keeps_the_columns(demo):
    frame = selectors.incident_frame(
        _queryset(date_from=dt.date(1990, 1, 1), date_to=dt.date(1990, 1, 2)), local_time=True
    )
    assert frame.empty and list(frame.columns) == [*selectors.COLUMNS, LOCAL_COLUMN]
    assert str(frame["occurred_at"].dtype) == "datetime64[ns, UTC]"


def test_inside_a_transaction_the_read_goes_through_djangos_connection(demo):
    # The test's rows are uncommitted: a connection of ADBC's own would not see them.
    assert connection.in_atomic_block and not bulk.adbc_sees_data()
    sent = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        frame = selectors.incident_frame(_queryset())
    assert len(frame) and any("category__slug" in sql for sql in sent)


def _readable_by_adbc(tmp_path, monkeypatch) -> None:
    """SQLite's in-memory test database copied to a file, which is what ADBC opens;
    PostgreSQL's committed rows ADBC sees as they are."""
    if connection.vendor != "sqlite":
        return
    import sqlite3

    connection.ensure_connection()
    target = sqlite3.connect(tmp_path / "copy.sqlite3")
    connection.connection.backup(target)
    target.close()
    monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "copy.sqlite3"))
    monkeypatch.setattr(connection, "is_in_memory_db", lambda: False)


@pytest.mark.django_db(transaction=True)
def test_adbc_and_django_give_identical_frames(demo, tmp_path, monkeypatch):
    """Committed rows: ADBC sees them (PostgreSQL directly; SQLite's in-memory test
    database through a copy in a file, which is what ADBC opens) and the two paths agree."""
    queryset = _queryset()
    _readable_by_adbc(tmp_path, monkeypatch)
    assert bulk.adbc_sees_data()
    local = {LOCAL_COLUMN: "occurred_at"}
    args = (queryset, selectors.FIELDS, selectors.TYPES)
    through_adbc = bulk.arrow_table(*args, names=selectors.COLUMNS, local=local, via="adbc")
    through_django = bulk.arrow_table(*args, names=selectors.COLUMNS, local=local, via="django")
    assert through_adbc.num_rows > 100
    assert through_adbc.schema == through_django.schema
    assert through_adbc.sort_by("id").equals(through_django.sort_by("id"))
    # And the scan gives the same rows as the index walk.
    scanned = bulk.arrow_table(*args, names=selectors.COLUMNS, local=local, via="adbc", scan=True)
    assert scanned.sort_by("id").equals(through_adbc.sort_by("id"))
    frame = selectors.incident_frame(queryset)
    pd.testing.assert_frame_equal(_by_id(frame), _by_id(values_list_frame(queryset)))


def test_a_wide_read_scans_the_table_on_sqlite(demo):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL chooses by its statistics; the hint is SQLite's")
    sent = []

    def spy(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        selectors.incident_frame(_queryset(), scan=True)
        selectors.incident_frame(_queryset())
    reads = [(sql, params) for sql, params in sent if "category__slug" in sql]
    (wide, wide_params), (narrow, narrow_params) = reads
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + wide, wide_params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "SCAN incidents_incident" in plan and "incident_week_cover_idx" not in plan
        cursor.execute("EXPLAIN QUERY PLAN " + narrow, narrow_params)
        assert "SCAN incidents_incident" not in " ".join(str(r[-1]) for r in cursor.fetchall())


def test_wide_read_is_a_share_of_the_days_with_data():
    from samverkan.lagesbild.assemble import wide_read

    start, end = dt.date(2016, 1, 1), dt.date(2025, 12, 31)
    assert wide_read(dt.date(2015, 1, 1), end, start, end)
    assert wide_read(dt.date(2023, 6, 1), end, start, end)
    assert not wide_read(dt.date(2025, 12, 1), end, start, end)
    assert not wide_read(start, end, None, None)


@pytest.mark.django_db(transaction=True)
def test_a_read_split_into_id_ranges_gives_the_same_rows_in_the_same_order(
    demo, tmp_path, monkeypatch
):
    """A big table is read in consecutive id ranges side by side (``bulk._parts``); the
    parts together are the one read, row for row and in its order."""
    queryset = _queryset()
    _readable_by_adbc(tmp_path, monkeypatch)
    args = (queryset, selectors.FIELDS, selectors.TYPES)
    whole = bulk.arrow_table(*args, names=selectors.COLUMNS, via="adbc", scan=True)
    parts = []
    original = bulk._read_adbc
    monkeypatch.setattr(
        bulk, "_read_adbc", lambda alias, p, *rest: parts.append(p) or original(alias, p, *rest)
    )
    monkeypatch.setattr(bulk, "PART_ROWS", 100)
    monkeypatch.setattr(bulk, "READ_PARTS", 3)
    monkeypatch.setattr(bulk.os, "cpu_count", lambda: 3)
    split = bulk.arrow_table(*args, names=selectors.COLUMNS, via="adbc", scan=True)
    assert len(parts[0]) == 3
    assert whole.num_rows > 100
    assert split.sort_by("id").equals(whole.sort_by("id"))
    if connection.vendor == "sqlite":  # a scan in rowid order: the parts keep that order
        assert split["id"].to_pylist() == whole["id"].to_pylist()


@pytest.mark.parametrize("username", ["samordnare", "kommunpolis", "boden"])
def test_the_data_range_along_the_week_index_is_the_min_and_max_over_the_scope(demo, username):
    agreement = Agreement.objects.get(slug=LULEA)
    user = User.objects.get(username=username)
    base = selectors.scoped_incidents(agreement, user, shared=False, include_summaries=False)
    ids = list(selectors.agreement_municipalities(agreement).values_list("pk", flat=True))
    sent = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        along = selectors.data_range(base, ids)
    assert along == selectors.data_range(base)
    assert len(sent) == 2 * len(ids) and all("LIMIT 1" in sql for sql in sent)
