"""PostgreSQL's version trigger skips while ``samverkan.version_once`` is on in the
transaction (importers.writer.version_raised_once raises the version once instead)."""

from django.db import migrations

BUMP = "UPDATE incidents_reportsversion SET version = version + 1 WHERE id = 1"

ONCE = f"""CREATE OR REPLACE FUNCTION incidents_version_bump() RETURNS trigger AS $$
    BEGIN
        IF current_setting('samverkan.version_once', true) = 'on' THEN RETURN NULL; END IF;
        {BUMP};
        RETURN NULL;
    END $$ LANGUAGE plpgsql"""
EVERY = f"""CREATE OR REPLACE FUNCTION incidents_version_bump() RETURNS trigger AS $$
    BEGIN {BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql"""


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("incidents", "0014_map_cells")]

    operations = [migrations.RunPython(_run(ONCE), _run(EVERY))]
