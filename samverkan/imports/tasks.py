"""Background tasks of imports. See samverkan/core/schedule.py for when the periodic ones run."""

from django_tasks import task

from samverkan.imports.runs import close_abandoned_runs


@task()
def close_abandoned_import_runs() -> str:
    """Hourly: runs whose process died stop saying "pågår"."""
    return f"{close_abandoned_runs()} avbrutna körningar markerade"
