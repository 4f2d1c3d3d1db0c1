"""What the imports framework knows of each kind of import, told by the app that owns it.

imports/ knows no data app: an app registers its kind in its AppConfig.ready(), e.g.

    register_kind("incidents", fields=TARGET_FIELDS)

``fields`` maps a target field of a column mapping to its label (shown on a run's page,
and the fields a saved mapping of the kind may name). A kind nobody registered has no
named fields: its runs show the mapping's keys as they are.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    name: str
    fields: Mapping[str, str] = field(default_factory=dict)


_KINDS: dict[str, Kind] = {}


def register_kind(name: str, *, fields: Mapping[str, str] | None = None) -> Kind:
    kind = _KINDS[name] = Kind(name=name, fields=fields or {})
    return kind


def get_kind(name: str) -> Kind:
    return _KINDS.get(name) or Kind(name=name)


def field_label(kind: str, target: str) -> str:
    """The label of a mapping's target field, or the field's key when the kind has none."""
    return get_kind(kind).fields.get(target, target)
