"""Readable change history from django-simple-history records."""

from dataclasses import dataclass

CHANGE_LABELS = {"+": "Skapad", "~": "Ändrad", "-": "Borttagen"}


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: str
    changes: list[tuple[str, str, str]]


def _short(value) -> str:
    text = "–" if value in (None, "") else str(value)
    return text if len(text) <= 120 else text[:117] + "…"


def _m2m_names(field, rows) -> str:
    """simple_history gives m2m values as through-table rows; show the related names."""
    key = field.m2m_reverse_field_name()
    ids = [row[key] for row in rows or []]
    by_pk = {o.pk: str(o) for o in field.related_model.objects.filter(pk__in=ids)}
    return ", ".join(by_pk[i] for i in ids if i in by_pk) or "–"


HIDDEN = "(dold: begränsad)"
CHANGED = "(ändrad)"


def _value(field, value, hidden: bool, labels: bool) -> str:
    if hidden:
        return HIDDEN
    if not labels:
        return _short(value)
    if field.get_internal_type() == "TextField" and value not in (None, ""):
        return CHANGED  # free text stays on the object, not in its history
    if field.choices and value is not None:
        return _short(dict(field.flatchoices).get(value, value))
    return _short(value)


def history_page(obj, *, offset: int = 0, limit: int = 50, hidden=None, labels: bool = False):
    """Newest first: who changed which field of `obj` from what to what, and how many entries
    there are in all. `hidden(record)` says a record's values may not be shown (a begränsad
    version of a report to a user outside its owner). With `labels`, a choice shows its label
    and a free text only that it changed."""
    history = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    count = history.count()
    records = list(history[offset : offset + limit + 1])
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if older is not None and newer.history_type == "~":
            hide = hidden is not None and (hidden(newer) or hidden(older))
            delta = newer.diff_against(older)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                if field.many_to_many:
                    old, new = _m2m_names(field, change.old), _m2m_names(field, change.new)
                else:
                    old, new = (
                        _value(field, change.old, hide, labels),
                        _value(field, change.new, hide, labels),
                    )
                changes.append((str(field.verbose_name), old, new))
        entries.append(
            HistoryEntry(
                when=newer.history_date,
                who=str(newer.history_user) if newer.history_user else "system",
                action=CHANGE_LABELS.get(newer.history_type, newer.history_type),
                changes=changes,
            )
        )
    return entries, count


def history_entries(obj, limit: int = 50) -> list[HistoryEntry]:
    """Newest first: who changed which field of `obj` from what to what."""
    return history_page(obj, limit=limit)[0]
