"""Who may do what, and who sees which rows. Every permission check in views, API, services,
commands and tasks goes through here.

Roles: each `can_*` below is one decision of what a role allows (the role is per person).

Scope follows the user's organisation, by one rule, applied by `scope`:

1. the user's organisation and every organisation above it (`organisation_scope_ids`);
2. the agreements one of those is party to: a förvaltning sees what its kommun is party to;
   the kommun does not see what only a company it owns is party to;
3. the municipalities whose kommun (the municipality's organisation, or the organisation
   above it) is party to one of those agreements.

Begränsad rows, and what an organisation keeps to itself (import runs), are seen within the
owning organisation's tree: its top-level party and everything under it
(`organisation_tree_ids`).

Core imports no app: the rule walks the relations named below, starting from the model of
the queryset it filters. Each app's `access.py` holds that app's chokepoints
(`<thing>_list_for_user`, `get_<thing>_for_user`), thin calls of `scope`.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop as N_

from samverkan.core.models import APIToken, Classification, Role, User

# --- Roles ----------------------------------------------------------------------------------

PLAN_EDITORS = {Role.ADMIN, Role.COORDINATOR}
PLAN_DECIDERS = {Role.ADMIN, Role.STEERING}
REPORTERS = {Role.REPORTER, Role.COORDINATOR, Role.ADMIN}
INCIDENT_EDITORS = {Role.COORDINATOR, Role.ADMIN}  # any report of their organisation
TYPE_MAPPERS = {Role.COORDINATOR, Role.ADMIN}
EST_MANAGERS = {Role.ADMIN, Role.COORDINATOR}
IMPORTERS = {Role.ADMIN, Role.COORDINATOR}
SNAPSHOT_SAVERS = {Role.ADMIN, Role.STEERING, Role.COORDINATOR}
PREVENTION_EDITORS = {Role.ADMIN, Role.COORDINATOR}
PREVENTION_DECIDERS = {Role.ADMIN, Role.STEERING, Role.COORDINATOR}
OWN_EDIT_WINDOW = dt.timedelta(hours=24)


def _has_role(user: User, roles: set[Role]) -> bool:
    return user.is_active and (user.is_superuser or user.role in roles)


def can_edit_plans(user: User) -> bool:
    """Edit goals and commitments, report follow-ups, revise a plan into a new draft."""
    return _has_role(user, PLAN_EDITORS)


def can_decide_plans(user: User) -> bool:
    """Adopt a plan on behalf of the styrgrupp."""
    return _has_role(user, PLAN_DECIDERS)


def can_report(user: User) -> bool:
    """File an incident report."""
    return _has_role(user, REPORTERS)


class ReportedRow(Protocol):
    """What `can_edit_incident` reads of an incident report."""

    reporter_id: int | None
    organisation_id: int | None
    created_at: dt.datetime


def can_edit_incident(user: User, incident: ReportedRow, *, now: dt.datetime | None = None) -> bool:
    """The reporter within 24 hours of filing, or a samordnare/administratör of the
    reporting organisation."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    now = now or timezone.now()
    if incident.reporter_id == user.pk and now - incident.created_at <= OWN_EDIT_WINDOW:
        return True
    return user.role in INCIDENT_EDITORS and user.organisation_id == incident.organisation_id


def can_map_types(user: User) -> bool:
    """Samordnare and administratörer keep the type mapping (it re-categorises reports)."""
    return _has_role(user, TYPE_MAPPERS)


def can_manage_est(user: User) -> bool:
    """Create and change actions, events, ratings and notes; close the weekly meeting."""
    return _has_role(user, EST_MANAGERS)


def can_import(user: User) -> bool:
    """A samordnare or administratör (of an organisation) imports files and opens runs."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or (user.role in IMPORTERS and user.organisation_id is not None))
    )


def can_read_indicators(user: User) -> bool:
    """Indicators are public statistics: every logged-in, active user reads all of them."""
    return bool(user.is_authenticated and user.is_active)


def can_manage_indicators(user: User) -> bool:
    """Link goals, fetch from an API, upload a file."""
    return can_edit_plans(user)


def can_save_snapshots(user: User) -> bool:
    """Store a lägesbild, recompute a stored one."""
    return _has_role(user, SNAPSHOT_SAVERS)


def can_edit_prevention(user: User) -> bool:
    """Write problems, evidence, cause analyses, interventions and medborgarlöften, and mark
    a cause analysis granskad."""
    return _has_role(user, PREVENTION_EDITORS)


def can_decide_prevention(user: User) -> bool:
    """Mark a reviewed cause analysis beslutad (the styrgrupp, or its beredning)."""
    return _has_role(user, PREVENTION_DECIDERS)


# --- The organisation tree ------------------------------------------------------------------

PARENT = "parent"  # Organisation → the organisation above it


def _upwards(organisation) -> set[int]:
    ids: set[int] = set()
    while organisation is not None and organisation.pk not in ids:
        ids.add(organisation.pk)
        organisation = getattr(organisation, PARENT)
    return ids


def organisation_scope_ids(user: User) -> set[int]:
    """The user's organisation and every organisation above it.

    A förvaltning sees what its kommun is party to; the kommun does not see what only a
    company it owns is party to. A user without an organisation sees nothing.
    """
    if not user.is_authenticated or user.organisation_id is None:
        return set()
    cached = getattr(user, "_organisation_scope_ids", None)
    if cached is not None:
        return cached
    ids = _upwards(user.organisation)
    user._organisation_scope_ids = ids
    return ids


def _organisation_model() -> type[Model]:
    return User._meta.get_field("organisation").related_model


def _organisation_parents() -> dict[int, int | None]:
    return dict(_organisation_model().objects.values_list("pk", f"{PARENT}_id"))


def _root(parents: dict[int, int | None], organisation_id: int) -> int:
    root, seen = organisation_id, set()
    while parents.get(root) is not None and root not in seen:
        seen.add(root)
        root = parents[root]
    return root


def root_organisation(organisation_id: int | None) -> int | None:
    """The top-level party above an organisation (the organisation itself at the top)."""
    if organisation_id is None:
        return None
    return _root(_organisation_parents(), organisation_id)


def organisation_tree_ids(user: User) -> set[int]:
    """Every organisation under the user's top-level party (the party itself included)."""
    if not user.is_authenticated or user.organisation_id is None:
        return set()
    cached = getattr(user, "_organisation_tree_ids", None)
    if cached is not None:
        return cached
    parents = _organisation_parents()
    children: dict[int, list[int]] = {}
    for pk, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    tree, stack = set(), [_root(parents, user.organisation_id)]
    while stack:
        pk = stack.pop()
        if pk in tree:
            continue
        tree.add(pk)
        stack.extend(children.get(pk, []))
    user._organisation_tree_ids = tree
    return tree


# --- Scope ----------------------------------------------------------------------------------

PARTIES = "parties"  # Agreement → the organisations party to it (many to many)
AGREEMENTS = "agreements"  # Organisation → the agreements it is party to (reverse of PARTIES)
KOMMUN = "organisation"  # Municipality → the organisation that is its kommun


def _model_at(model: type[Model], path: str) -> type[Model]:
    for name in path.split("__") if path else ():
        model = model._meta.get_field(name).related_model
    return model


def _always_reaches(model: type[Model], path: str) -> bool:
    """Every row has an object at the end of ``path``: each step a required foreign key."""
    for name in path.split("__") if path else ():
        field = model._meta.get_field(name)
        if not (field.many_to_one and field.concrete and not field.null):
            return False
        model = field.related_model
    return True


def _agreements_of(agreements: QuerySet, who) -> QuerySet:
    if isinstance(who, agreements.model):
        return agreements.filter(pk=who.pk)
    return agreements.filter(**{f"{PARTIES}__in": who}).distinct()


def _municipalities_of(municipalities: QuerySet, who) -> QuerySet:
    agreement = _model_at(municipalities.model, f"{KOMMUN}__{AGREEMENTS}")
    parties = agreement._meta.get_field(PARTIES)
    through = parties.remote_field.through.objects
    by_agreement, organisation = parties.m2m_field_name(), parties.m2m_reverse_field_name()
    if isinstance(who, agreement):
        links = through.filter(**{by_agreement: who.pk})
    else:
        links = through.filter(
            **{f"{by_agreement}__in": _agreements_of(agreement.objects.all(), who).values("pk")}
        )
    kommun = links.values(f"{organisation}_id")
    return municipalities.filter(
        Q(**{f"{KOMMUN}__in": kommun}) | Q(**{f"{KOMMUN}__{PARENT}__in": kommun})
    )


def _within(queryset: QuerySet, path: str, narrow, who) -> QuerySet:
    """The rows whose object at ``path`` passes ``narrow``; the queryset itself for ""."""
    if not path:
        return narrow(queryset, who)
    target = _model_at(queryset.model, path)
    return queryset.filter(**{f"{path}__in": narrow(target.objects.all(), who).values("pk")})


def _everything(queryset: QuerySet, path: str) -> QuerySet:
    """A superuser's rows: every row that reaches an object at ``path``."""
    if _always_reaches(queryset.model, path):
        return queryset
    target = _model_at(queryset.model, path)
    return queryset.filter(**{f"{path}__in": target.objects.values("pk")})


def scope(
    queryset: QuerySet,
    who,
    *,
    agreement: str | None = None,
    municipality: str | None = None,
    owner: str | None = None,
    restricted: str | None = None,
) -> QuerySet:
    """The rows of ``queryset`` that ``who`` sees, by the rule in the module docstring.

    Each keyword is the lookup path from the queryset's model ("" for the model itself):

    - ``agreement``: to its agreement: rows of the agreements ``who`` is party to;
    - ``municipality``: to its municipality: rows in the municipalities of those agreements;
    - ``owner``: to the organisation that owns it: rows owned within the user's tree;
    - ``restricted``: to the organisation that owns a classified row: begränsad rows only
      within the user's tree, öppen and intern ones as the other paths allow.

    Several paths all apply. ``who`` is a user (a superuser sees every row, an anonymous user
    none), an organisation (what a user of it would see through agreements: the importers)
    or an agreement (its own rows and municipalities).
    """
    if isinstance(who, (AbstractBaseUser, AnonymousUser)):
        if not who.is_authenticated:
            return queryset.none()
        if who.is_superuser:
            for path in (agreement, municipality):
                if path is not None:
                    queryset = _everything(queryset, path)
            return queryset
        parties = organisation_scope_ids(who)
    elif owner is not None or restricted is not None:
        raise TypeError("An owner's tree is a user's: pass the user.")
    elif isinstance(who, _organisation_model()):
        parties = _upwards(who)
    else:
        parties = who  # an agreement
    if agreement is not None:
        queryset = _within(queryset, agreement, _agreements_of, parties)
    if municipality is not None:
        queryset = _within(queryset, municipality, _municipalities_of, parties)
    if owner is not None:
        queryset = queryset.filter(**{f"{owner}__in": organisation_tree_ids(who)})
    if restricted is not None:
        queryset = queryset.filter(
            ~Q(classification=Classification.RESTRICTED)
            | Q(**{f"{restricted}__in": organisation_tree_ids(who)})
        )
    return queryset


def get_or_404(queryset: QuerySet, pk):
    """One object from an already scoped queryset. Another party's object is
    indistinguishable from one that does not exist: both are 404."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def token_list_for_user(user: User):
    """The API keys a user may see and revoke on the account page: their own."""
    return APIToken.objects.filter(user=user)


def start_for_user(user: User) -> str:
    """The URL name where the role's first work is: a reporter files a report, a samordnare
    prepares the week's EST, the styrgrupp reads the plan (everyone else: the plan too)."""
    if not user.is_active:
        return "login"
    if user.is_superuser or user.role in {Role.ADMIN, Role.STEERING, Role.READER}:
        return "home"
    if user.role == Role.COORDINATOR:
        return "est_index"
    if user.role == Role.REPORTER:
        return "incident_create"
    return "home"


# The menu, per role: (URL name, label) in the order the role needs them. Labels are Swedish
# source strings, translated where the menu is drawn (core/templatetags/menu.py).
_MENU_ITEMS = {
    "report": ("incident_create", N_("Rapportera")),
    "plan": ("agreement_list", N_("Överenskommelser")),
    "est": ("est_index", N_("EST")),
    "lagesbild": ("lagesbild", N_("Lägesbild")),
    "incidents": ("incident_list", N_("Händelser")),
    "imports": ("import_run_list", N_("Importer")),
    "indicators": ("indicator_catalogue", N_("Indikatorer")),
    "prevention": ("prevention_index", N_("Förebyggande")),
    "organisations": ("organisation_list", N_("Organisationer")),
    "districts": ("district_list", N_("Områden")),
    "tokens": ("account_tokens", N_("Mina API-nycklar")),
    "mail": ("account_mail", N_("Min e-post")),
    "api": ("api:openapi-view", N_("API")),
}
_MENU_ORDER = {
    Role.REPORTER: ["report", "incidents", "districts", "lagesbild", "tokens", "mail", "api"],
    Role.COORDINATOR: [
        "est", "plan", "report", "incidents", "lagesbild", "imports", "indicators",
        "prevention", "organisations", "districts", "tokens", "mail", "api",
    ],
    Role.STEERING: [
        "plan", "lagesbild", "est", "indicators", "prevention", "incidents", "organisations",
        "districts", "tokens", "mail", "api",
    ],
    Role.ADMIN: [
        "plan", "est", "report", "incidents", "lagesbild", "imports", "indicators",
        "prevention", "organisations", "districts", "tokens", "mail", "api",
    ],
    Role.READER: [
        "plan", "lagesbild", "incidents", "indicators", "prevention", "organisations",
        "districts", "tokens", "mail", "api",
    ],
}


def menu_for_user(user: User) -> list[tuple[str, str]]:
    """The menu's (URL name, Swedish label) pairs for `user`, what the role uses first first.
    Rapportera only for a role that may report, Importer only for one that may import."""
    if not user.is_authenticated or not user.is_active:
        return []
    role = Role.ADMIN if user.is_superuser else user.role
    keys = _MENU_ORDER.get(role, _MENU_ORDER[Role.READER])
    items = []
    for key in keys:
        if key == "report" and not can_report(user):
            continue
        if key == "imports" and not _has_role(user, IMPORTERS):
            continue
        items.append(_MENU_ITEMS[key])
    return items


# --- Two-factor sign-in ------------------------------------------------------------------------


def needs_two_factor(user: User) -> bool:
    """The person's role must sign in with a second factor (SAMVERKAN_REQUIRE_2FA_ROLES)."""
    from django.conf import settings

    return user.is_authenticated and user.role in settings.SAMVERKAN_REQUIRE_2FA_ROLES


def account_for_user(user: User) -> User:
    """The account a signed-in user may change on their own pages: their own, nobody else's."""
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def two_factor_devices_for_user(user: User, *, confirmed: bool | None = True) -> list:
    """The person's own TOTP and recovery-code devices; nobody else's."""
    from django_otp import devices_for_user

    if not user.is_authenticated:
        return []
    return list(devices_for_user(user, confirmed=confirmed))
