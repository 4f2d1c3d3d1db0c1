"""The annual view counts per year and category in the database: no report row leaves it,
and the counts are those of a count in Python over every report's local time."""

import re
from collections import Counter
from zoneinfo import ZoneInfo

from django.db import connection

from samverkan.lagesbild import selectors
from samverkan.lagesbild.focus import annual, focus_areas

TZ = ZoneInfo("Europe/Stockholm")


def test_the_annual_view_groups_in_sql(demo, agreement, coordinator):
    sent = []

    def spy(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        result = annual(agreement, coordinator)
    assert result["areas"]
    incident_reads = [s for s in sent if '"incidents_incident"' in s.split(" FROM ")[0] or
                      s.split(" FROM ", 1)[-1].startswith('"incidents_incident"')]  # fmt: skip
    # No read of every report's time: only aggregates (the data range, the grouped count).
    for sql in incident_reads:
        select = sql.split(" FROM ", 1)[0]
        assert not re.search(r'SELECT "incidents_incident"\."occurred_from"', select), sql
    assert any("GROUP BY" in s and "COUNT(" in s.upper() for s in incident_reads)


def test_the_grouped_counts_equal_a_count_over_local_times(demo, agreement, coordinator):
    result = annual(agreement, coordinator)
    base = selectors.scoped_incidents(agreement, coordinator, shared=False,
                                      include_summaries=False)  # fmt: skip
    per = Counter(
        (when.astimezone(TZ).year, category)
        for when, category in base.values_list("occurred_from", "category_id")
    )
    areas = {a["number"]: a for a in focus_areas(agreement)}
    checked = 0
    for area in result["areas"]:
        ids = areas[area["number"]]["category_ids"]
        for cell in area["counts"]:
            expected = sum(n for (year, c), n in per.items() if year == cell["year"] and c in ids)
            assert cell["count"] == expected, (area["number"], cell)
            checked += expected
    assert checked > 100
