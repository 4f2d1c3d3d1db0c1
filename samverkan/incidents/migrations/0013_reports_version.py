"""The reports' version counter and the triggers that raise it (incidents.ReportsVersion)."""

from django.db import migrations, models

TABLE = "incidents_incident"
BUMP = "UPDATE incidents_reportsversion SET version = version + 1 WHERE id = 1"

SQLITE = [
    f"CREATE TRIGGER incidents_version_{op.lower()} AFTER {op} ON {TABLE} "
    f"FOR EACH ROW BEGIN {BUMP}; END"
    for op in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS incidents_version_{op}" for op in ("insert", "update", "delete")]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION incidents_version_bump() RETURNS trigger AS $$
    BEGIN {BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql""",
    f"CREATE TRIGGER incidents_version AFTER INSERT OR UPDATE OR DELETE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION incidents_version_bump()",
    f"CREATE TRIGGER incidents_version_truncate AFTER TRUNCATE ON {TABLE} "
    "FOR EACH STATEMENT EXECUTE FUNCTION incidents_version_bump()",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS incidents_version ON {TABLE}",
    f"DROP TRIGGER IF EXISTS incidents_version_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS incidents_version_bump()",
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


def create(apps, schema_editor):
    apps.get_model("incidents", "ReportsVersion").objects.get_or_create(pk=1)
    _run({"sqlite": SQLITE, "postgresql": POSTGRES})(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0012_audit_trail")]

    operations = [
        migrations.CreateModel(
            name="ReportsVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={
                "verbose_name": "rapporternas version",
                "verbose_name_plural": "rapporternas version",
            },
        ),
        migrations.RunPython(create, _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})),
    ]
