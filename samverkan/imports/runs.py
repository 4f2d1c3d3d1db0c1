"""The life cycle of an ImportRun, the same for every importer (incident files, Polisen,
indicator files and APIs):

    run = start_run(kind, source, filename=…, organisation=…, user=…, details={…})
    add_problems(run, [(row, field, value, message), …])   # row-level problems
    report_counts(run, {"created": 12, …})                  # after each batch
    finish_run(run)        # status from the counts and problems: klar / klar med problem
    fail_run(run, message) # misslyckad with the reason (e.g. a file that cannot be read)

A run is recorded outside the batch transactions, so a failed batch leaves no half-written
data but the run and its problems stay. A run whose process died (killed, out of memory,
the machine restarted) would say "pågår" for ever: ``close_abandoned_runs`` marks such runs
failed once they are older than SAMVERKAN_IMPORT_ABANDONED_AFTER_MINUTES (hourly, from the
worker, and before each fetch from Polisen).

A run keeps at most SAMVERKAN_IMPORT_MAX_PROBLEMS problems: the rest are counted in the
run's details (``problems_not_kept``), and the run's message says how many more there were.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.imports.models import ImportProblem, ImportRun

COUNTS = ("rows_total", "created", "updated", "unchanged", "skipped", "failed")


def start_run(
    kind: str,
    source: str,
    *,
    filename: str = "",
    organisation=None,
    user=None,
    details: dict | None = None,
    save: bool = True,
) -> ImportRun:
    """A run, "pågår" from now (saved unless ``save=False``: the caller saves it later)."""
    run = ImportRun(
        kind=kind,
        source=source,
        filename=str(filename)[:500],
        organisation=organisation,
        user=user,
        details=details or {},
    )
    if save:
        run.save()
    return run


def problem(run: ImportRun, message: str, *, row=None, field: str = "", value="") -> ImportProblem:
    """One row-level problem, not saved (see `add_problems`); field and value are cut to
    what the columns hold."""
    return ImportProblem(
        run=run,
        row=row,
        field=str(field)[:100],
        value="" if value is None else str(value)[:500],
        message=str(message),
    )


def add_problems(problems: Iterable[ImportProblem]) -> None:
    """Store the problems, at most SAMVERKAN_IMPORT_MAX_PROBLEMS per run; the others are
    counted on the run object (``details["problems_not_kept"]``, saved with the run)."""
    limit = settings.SAMVERKAN_IMPORT_MAX_PROBLEMS
    room: dict[int, int] = {}
    kept = []
    for item in problems:
        run = item.run
        if run.pk not in room:
            room[run.pk] = max(limit - ImportProblem.objects.filter(run_id=run.pk).count(), 0)
        if room[run.pk] > 0:
            room[run.pk] -= 1
            kept.append(item)
        else:
            run.details["problems_not_kept"] = run.details.get("problems_not_kept", 0) + 1
    ImportProblem.objects.bulk_create(kept, batch_size=1000)


def add_problem(run: ImportRun, message: str, *, row=None, field: str = "", value="") -> None:
    add_problems([problem(run, message, row=row, field=field, value=value)])


def memory_message() -> str:
    """Why a run stopped at the memory cap (`core.limits.memory_cap`)."""
    return _(
        "Importen avbröts: den behövde mer minne än de %(mb)s MB en import i bakgrunden får "
        "ta (SAMVERKAN_IMPORT_MAX_MEMORY_MB). Dela upp filen och importera delarna var för "
        "sig. Omgångar som hann sparas finns kvar."
    ) % {"mb": settings.SAMVERKAN_IMPORT_MAX_MEMORY_MB}


def not_kept_note(run: ImportRun) -> str:
    """The sentence that says how many problems the run did not keep, or ""."""
    more = run.details.get("problems_not_kept", 0)
    if not more:
        return ""
    return _(
        "Ytterligare %(more)s problem sparades inte (en körning sparar högst %(max)s); rätta "
        "de visade och importera igen för att se resten."
    ) % {"more": more, "max": settings.SAMVERKAN_IMPORT_MAX_PROBLEMS}


def report_counts(run: ImportRun, counts: dict[str, int]) -> None:
    """The run's stored counts plus `counts`, so its page shows how far a long import has
    come (one UPDATE; the run object itself is saved when the run finishes)."""
    ImportRun.objects.filter(pk=run.pk).update(
        **{key: getattr(run, key) + value for key, value in counts.items()}
    )


def add_counts(run: ImportRun, counts: dict[str, int]) -> None:
    """Add `counts` to the run object's counters (not saved)."""
    for key, value in counts.items():
        setattr(run, key, getattr(run, key) + value)


def finish_run(run: ImportRun, *, message: str | None = None, failed: bool = False) -> ImportRun:
    """Close the run: misslyckad when `failed`, else klar med problem when a row failed or a
    problem was recorded, else klar; `message` replaces the run's message when given."""
    run.finished_at = timezone.now()
    if failed:
        run.status = ImportRun.Status.FAILED
    elif run.failed or run.problems.exists():
        run.status = ImportRun.Status.WITH_PROBLEMS
    else:
        run.status = ImportRun.Status.OK
    if message is not None:
        run.message = message
    note = not_kept_note(run)
    if note and note not in run.message:
        run.message = f"{run.message} {note}".strip()
    run.save()
    return run


def fail_run(run: ImportRun, message: str, **details) -> ImportRun:
    """The run fails with the reason (`details` are added to the run's details)."""
    run.status = ImportRun.Status.FAILED
    run.message = message
    run.finished_at = timezone.now()
    if details:
        run.details = {**run.details, **details}
    note = not_kept_note(run)
    if note and note not in run.message:
        run.message = f"{run.message} {note}".strip()
    run.save()
    return run


def close_abandoned_runs(*, now: dt.datetime | None = None) -> int:
    """Mark runs still "pågår" long after they started as failed; returns how many.

    The batches a run wrote before its process died are kept (each was its own
    transaction); running the same import again adds what is missing and leaves the rest
    unchanged, since every import is idempotent.
    """
    now = now or timezone.now()
    limit = now - dt.timedelta(minutes=settings.SAMVERKAN_IMPORT_ABANDONED_AFTER_MINUTES)
    abandoned = ImportRun.objects.filter(status=ImportRun.Status.RUNNING, started_at__lt=limit)
    return abandoned.update(
        status=ImportRun.Status.FAILED,
        finished_at=now,
        message=_(
            "Avbruten: körningen blev aldrig klar (processen avslutades innan importen var "
            "färdig). Omgångar som hann sparas finns kvar; kör samma import igen för resten – "
            "redan sparade rader lämnas oförändrade."
        ),
    )
