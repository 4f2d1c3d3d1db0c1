"""The batch loader every incident import uses (Polisen events, CSV/XLSX files, …).

    load_incidents(rows, *, run, source, organisation, by=None, all_or_nothing=False,
                   batch_size=5000) -> ImportRun

Each row is a dict:

- ``row``: 1-based row number in the source (for problems);
- or, for a row the source could not read, only ``row`` and ``problems``: a list of
  (field, value, message); it is counted and recorded as a failed row (so a source can stream
  its rows through the loader, problems and all);
- ``external_id``: str, required, unique per ``source``;
- ``category``: a Category or its slug;
- ``occurred_from``: aware datetime (a naive one is read as Europe/Stockholm); optional
  ``occurred_to`` (default: occurred_from), ``time_precision``;
- where: ``municipality`` (Municipality), ``district`` (District), ``place`` (Place),
  ``lat``/``lon`` (WGS 84). As in the form: the municipality follows from the place, the
  district or the point when not given; a point must lie inside the municipality and its
  district follows from it — unless ``position_is_centre`` (the point is only the
  municipality's centre, as Polisen gives it): then the point need only lie in Sweden and the
  district is the one given (or none);
- optional ``description``, ``severity``, ``creates_insecurity``, ``place_type``,
  ``classification`` (default intern), ``cost_sek``, ``status``, ``source_type``,
  ``source_url``, ``is_summary``, ``position_is_centre``.

The rules are those of ``services.incident_create``, through the shared rule functions in
``incidents.services``, applied in `importers.rules`; what a row needs (categories, the
organisation's municipalities with their prepared boundaries, districts) is read once per
run, and positions are checked vectorised per batch, so a row costs microseconds.
`importers.writer` bypasses the ORM but stores what it would (the model's defaults,
``created_at``/``updated_at``, Django's datetime and decimal adaptation;
tests/incidents/test_load.py compares a loaded row with one filed by ``incident_create``).

Upsert by (source, external_id): a new id is created; a known id whose fields differ is
updated (``run.updated``); an identical one is ``unchanged``. Only the fields a row gives (and
those derived from them: period, place, district, position, description) are compared and
written: an import without ``status`` never resets a status a samordnare set. A row that
breaks a rule becomes one ImportProblem per broken rule (row, field, value, Swedish message)
and is skipped (``run.failed``); the same external id twice in one run is a problem on the
second row. The rest is written, batch by batch, each batch in its own transaction — or,
with ``all_or_nothing``, nothing at all when any row has a problem.

The run's counters are *added to* (a caller may have counted skipped rows or parse problems
first); status, message and finished_at are saved at the end. An unexpected error mid-run
keeps the batches already written, marks the run failed with the error and re-raises.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.core.tasks import database_optimize
from samverkan.imports.models import ImportRun
from samverkan.imports.runs import add_counts, add_problems, finish_run, problem, report_counts
from samverkan.incidents.importers.rules import Context, Row, check, check_points, short
from samverkan.incidents.importers.writer import Writer, write_settings
from samverkan.organisations.models import Organisation

logger = logging.getLogger(__name__)


class _Rollback(Exception):
    pass


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Python's cycle collector off for a run, as it was after. A run holds hundreds of
    thousands of parsed rows, and each full collection walks them all while finding almost
    nothing to free (the rows make no reference cycles): at 100 000 Polisen events that was a
    fifth of the import's processor time (docs/performance.md). Memory is still freed by
    reference counting; cycles made meanwhile, also by other threads, wait for the next
    collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class _Loader(Writer):
    def __init__(self, *, run, source, organisation, by, all_or_nothing):
        super().__init__(run=run, source=source, organisation=organisation, by=by)
        self.all_or_nothing = all_or_nothing
        self.ctx = Context(organisation=organisation)
        self.seen: dict[str, int | None] = {}

    def batch(self, raws: list[dict]) -> None:
        ctx = self.ctx
        checked = [check(raw, ctx, self.source) for raw in raws]
        check_points(checked, ctx)
        good: list[Row] = []
        seen = self.seen
        for row in checked:
            if not row.problems and row.external_id in seen:
                first = seen[row.external_id]
                row.problem(
                    "external_id",
                    row.external_id,
                    _("Externt id %(id)s förekommer redan på rad %(row)s.")
                    % {"id": row.external_id, "row": first if first is not None else "?"},
                )
            if row.problems:
                self.counts["failed"] += 1
                for key, value, message in row.problems:
                    self.problems.append(
                        problem(self.run, message, row=row.number, field=key, value=short(value))
                    )
                continue
            seen[row.external_id] = row.number
            good.append(row)
        self.counts["rows_total"] += len(raws)
        if good:
            with transaction.atomic():
                self.write(good)

    def report_progress(self) -> None:
        """The counts so far on the stored run, so its page shows how far a long import has
        come (one UPDATE per batch; the run object itself is saved at the end)."""
        report_counts(self.run, self.counts)

    def flush_problems(self) -> None:
        if self.problems:
            add_problems(self.problems)
            self.problems = []


@without_cyclic_gc()
def load_incidents(
    rows: Iterable[dict],
    *,
    run: ImportRun,
    source: str,
    organisation: Organisation,
    by: User | None = None,
    all_or_nothing: bool = False,
    batch_size: int = 5000,
) -> ImportRun:
    """Load incident rows into the database by the rules of `services.incident_create`.

    See the module docstring for the row format, the upsert and the counting.
    """
    if run.pk is None:
        run.save()
    loader = _Loader(
        run=run, source=source, organisation=organisation, by=by, all_or_nothing=all_or_nothing
    )
    error: Exception | None = None
    try:
        with write_settings():
            if all_or_nothing:
                try:
                    with transaction.atomic():
                        for raws in _batches(rows, batch_size):
                            loader.batch(raws)
                        if loader.counts["failed"] or run.failed:
                            raise _Rollback
                except _Rollback:
                    loader.counts["created"] = loader.counts["updated"] = 0
                    loader.counts["unchanged"] = 0
            else:
                for raws in _batches(rows, batch_size):
                    loader.batch(raws)
                    loader.flush_problems()
                    loader.report_progress()
    except Exception as exc:  # noqa: BLE001 - recorded on the run, then re-raised
        error = exc
        logger.exception("Import %s avbröts", run.pk)
    loader.flush_problems()

    add_counts(run, loader.counts)
    if error is not None:
        finish_run(
            run,
            failed=True,
            message=_(
                "Importen avbröts efter %(rows)s rader: %(error)s. Redan sparade omgångar "
                "finns kvar."
            )
            % {"rows": loader.counts["rows_total"], "error": error},
        )
    elif all_or_nothing and (loader.counts["failed"] or run.failed):
        finish_run(
            run,
            failed=True,
            message=_("Inget sparades: %(failed)s rader hade fel. Rätta dem och importera igen.")
            % {"failed": run.failed},
        )
    else:
        finish_run(run)
    after_import(run)
    if error is not None:
        raise error
    return run


def after_import(run: ImportRun) -> None:
    """After an import that created or changed reports: fresh planner statistics when it
    created many (SQLite; ``SAMVERKAN_ANALYZE_AFTER_ROWS``), and the tasks of
    ``SAMVERKAN_AFTER_INCIDENT_IMPORT`` (the lägesbild's precomputation) in the queue."""
    if not (run.created or run.updated):
        return
    limit = settings.SAMVERKAN_ANALYZE_AFTER_ROWS
    if limit and run.created >= limit:
        database_optimize()
    for path in settings.SAMVERKAN_AFTER_INCIDENT_IMPORT:
        try:
            import_string(path).enqueue()
        except Exception:  # noqa: BLE001 - the import is done; the worker catches up nightly
            logger.exception("Kunde inte lägga %s i kön efter import %s", path, run.pk)
