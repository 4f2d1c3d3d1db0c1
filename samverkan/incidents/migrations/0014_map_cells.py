"""Every report's 100 m SWEREF 99 TM map cell as two integers (Incident.cell_x, cell_y),
filled for the stored reports, and the trigger that empties the cells when a write that
bypasses Python (``QuerySet.update``, raw SQL) changes the point: a missing cell is counted
from the point by the map (incidents.map), a wrong one would be drawn in the wrong place.

The trigger cannot tell a point moved within its cell by Python (the cells are then written
unchanged) from a bypassing write, so such a report loses its cells too: still counted
right, from its point.
"""

from django.db import migrations, models

from samverkan.analysis.geo import sweref_cells

TABLE = "incidents_incident"
CHUNK = 20_000

# The point changed, the cells did not, and there are cells to empty.
_SQLITE_WHEN = (
    "(NEW.lat IS NOT OLD.lat OR NEW.lon IS NOT OLD.lon "
    "OR NEW.position_is_centre IS NOT OLD.position_is_centre) "
    "AND NEW.cell_x IS OLD.cell_x AND NEW.cell_y IS OLD.cell_y "
    "AND (NEW.cell_x IS NOT NULL OR NEW.cell_y IS NOT NULL)"
)
SQLITE = [
    f"CREATE TRIGGER incidents_cells_stale AFTER UPDATE OF lat, lon, position_is_centre "
    f"ON {TABLE} FOR EACH ROW WHEN {_SQLITE_WHEN} "
    f"BEGIN UPDATE {TABLE} SET cell_x = NULL, cell_y = NULL WHERE id = NEW.id; END"
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS incidents_cells_stale"]

_POSTGRES_WHEN = (
    "(NEW.lat IS DISTINCT FROM OLD.lat OR NEW.lon IS DISTINCT FROM OLD.lon "
    "OR NEW.position_is_centre IS DISTINCT FROM OLD.position_is_centre) "
    "AND NEW.cell_x IS NOT DISTINCT FROM OLD.cell_x "
    "AND NEW.cell_y IS NOT DISTINCT FROM OLD.cell_y "
    "AND (NEW.cell_x IS NOT NULL OR NEW.cell_y IS NOT NULL)"
)
POSTGRES = [
    """CREATE OR REPLACE FUNCTION incidents_cells_stale() RETURNS trigger AS $$
    BEGIN NEW.cell_x := NULL; NEW.cell_y := NULL; RETURN NEW; END $$ LANGUAGE plpgsql""",
    f"CREATE TRIGGER incidents_cells_stale BEFORE UPDATE OF lat, lon, position_is_centre "
    f"ON {TABLE} FOR EACH ROW WHEN ({_POSTGRES_WHEN}) "
    "EXECUTE FUNCTION incidents_cells_stale()",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS incidents_cells_stale ON {TABLE}",
    "DROP FUNCTION IF EXISTS incidents_cells_stale()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            return
        with schema_editor.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    return run


def fill_cells(connection, chunk: int = CHUNK) -> int:
    """Store the cells of every drawable report (a point, not only the centre), CHUNK rows
    at a time in id order, each chunk projected in one pyproj call. Returns how many rows
    got cells."""
    quote = connection.ops.quote_name
    select = (
        f"SELECT id, lon, lat FROM {quote(TABLE)} WHERE id > %s AND lat IS NOT NULL "
        f"AND lon IS NOT NULL AND NOT position_is_centre ORDER BY id LIMIT {int(chunk)}"
    )
    update = f"UPDATE {quote(TABLE)} SET cell_x = %s, cell_y = %s WHERE id = %s"
    last, filled = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return filled
            ids, lon, lat = zip(*rows, strict=True)
            ix, iy, ok = sweref_cells(lon, lat)
            params = [
                (x, y, pk)
                for pk, x, y, good in zip(ids, ix.tolist(), iy.tolist(), ok.tolist(), strict=True)
                if good
            ]
            cursor.executemany(update, params)
            filled += len(params)
            last = ids[-1]


def forwards(apps, schema_editor):
    fill_cells(schema_editor.connection)
    _run({"sqlite": SQLITE, "postgresql": POSTGRES})(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0013_reports_version")]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="cell_x",
            field=models.IntegerField(
                blank=True, editable=False, null=True, verbose_name="kartruta, öst (100 m)"
            ),
        ),
        migrations.AddField(
            model_name="incident",
            name="cell_y",
            field=models.IntegerField(
                blank=True, editable=False, null=True, verbose_name="kartruta, nord (100 m)"
            ),
        ),
        migrations.RunPython(forwards, _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
