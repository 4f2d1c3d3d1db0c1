"""Who sees which agreement, plan, goal, commitment, group and organisation, and who may
edit or adopt plans. Every chokepoint is tried with every member of the cast.

Scope follows the user's organisation and every organisation above it: a förvaltning or
Lulebo sees what Luleå kommun is party to, the LPO is party to both Luleå's and Boden's
agreement, and Bo in Boden must see nothing of Luleå's.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from samverkan.core.access import can_decide_plans, can_edit_plans, organisation_scope_ids
from samverkan.core.models import Role, User
from samverkan.organisations.access import (
    get_organisation_for_user,
    group_list_for_user,
    organisation_list_for_user,
)
from samverkan.organisations.models import Membership, Organisation
from samverkan.plans.access import (
    agreement_list_for_user,
    commitment_list_for_user,
    get_agreement_for_user,
    get_commitment_for_user,
    get_goal_for_user,
    get_plan_for_user,
    goal_list_for_user,
    plan_list_for_user,
)
from samverkan.plans.models import Agreement, Commitment, Goal

LULEA = "lulea-polisen-2020-2023"
LULEA_PROMISES = "lulea-medborgarloften-2020"
BODEN = "boden-polisen-2020-2023"

LULEA_USERS = ["admin_user", "steering", "coordinator", "kommunpolis", "reporter", "reader"]
LPO_USERS = ["steering", "kommunpolis"]  # at Lokalpolisområde Luleå-Boden
LULEA_ONLY_USERS = ["admin_user", "coordinator", "reporter", "reader"]

# Luleå kommun, its eight units (Kommunstaben … Lulebo) and the LPO.
LULEA_ORGANISATIONS = {
    "lulea-kommun",
    "kommunstaben",
    "socialforvaltningen",
    "barn-och-utbildning",
    "kultur-och-fritid",
    "stadsbyggnad",
    "miljoforvaltningen",
    "raddningstjansten",
    "lulebo",
    "lpo-lulea-boden",
}


@pytest.fixture
def outsider(demo) -> User:
    """A user whom no organisation has claimed yet."""
    return User.objects.create_user("utan-organisation", role=Role.COORDINATOR)


@pytest.fixture
def superuser(demo) -> User:
    return User.objects.create_superuser("root", "root@example.org", "x", role=Role.READER)


def cast(request, name: str) -> User:
    return request.getfixturevalue(name)


def lulea_things(lulea_plan) -> dict[str, object]:
    return {
        "agreement": lulea_plan.agreement,
        "plan": lulea_plan,
        "goal": Goal.objects.filter(section__plan=lulea_plan).exclude(parent=None).first(),
        "commitment": Commitment.objects.filter(section__plan=lulea_plan).last(),
    }


def boden_things(boden_plan) -> dict[str, object]:
    return {
        "agreement": boden_plan.agreement,
        "plan": boden_plan,
        "goal": Goal.objects.get(section__plan=boden_plan),
        "commitment": Commitment.objects.get(section__plan=boden_plan),
    }


GETTERS = {
    "agreement": get_agreement_for_user,
    "plan": get_plan_for_user,
    "goal": get_goal_for_user,
    "commitment": get_commitment_for_user,
}


# --- Agreements, plans, goals, commitments --------------------------------------------------


@pytest.mark.parametrize(
    "user, agreements",
    [
        ("admin_user", {LULEA, LULEA_PROMISES}),
        ("steering", {LULEA, LULEA_PROMISES, BODEN}),
        ("coordinator", {LULEA, LULEA_PROMISES}),
        ("kommunpolis", {LULEA, LULEA_PROMISES, BODEN}),
        ("reporter", {LULEA, LULEA_PROMISES}),
        ("reader", {LULEA, LULEA_PROMISES}),
        ("boden_user", {BODEN}),
        ("outsider", set()),
        ("superuser", {LULEA, LULEA_PROMISES, BODEN}),
    ],
)
def test_it_lists_the_agreements_of_the_users_organisation(request, demo, user, agreements):
    listed = agreement_list_for_user(cast(request, user))

    assert set(listed.values_list("slug", flat=True)) == agreements
    assert listed.count() == len(agreements)  # no duplicates through several parties


@pytest.mark.parametrize("user", LULEA_USERS)
def test_it_shows_lulea_to_every_lulea_user(request, demo, lulea_plan, user):
    user = cast(request, user)
    things = lulea_things(lulea_plan)

    for kind, thing in things.items():
        assert GETTERS[kind](user, thing.pk) == thing, kind
    assert lulea_plan in plan_list_for_user(user)
    assert commitment_list_for_user(user).filter(section__plan=lulea_plan).count() == 8
    assert goal_list_for_user(user).filter(section__plan=lulea_plan).count() == 12


@pytest.mark.parametrize("user", LPO_USERS + ["boden_user"])
def test_it_shows_boden_to_bodens_parties(request, demo, boden_plan, user):
    user = cast(request, user)

    for kind, thing in boden_things(boden_plan).items():
        assert GETTERS[kind](user, thing.pk) == thing, kind
    assert boden_plan in plan_list_for_user(user)


@pytest.mark.parametrize("kind", GETTERS)
def test_it_hides_every_lulea_object_from_boden(boden_user, lulea_plan, kind):
    thing = lulea_things(lulea_plan)[kind]

    with pytest.raises(Http404):
        GETTERS[kind](boden_user, thing.pk)


def test_it_lists_nothing_of_luleas_to_boden(boden_user, boden_plan, lulea_plan):
    assert list(plan_list_for_user(boden_user)) == [boden_plan]
    assert set(commitment_list_for_user(boden_user)) == set(
        Commitment.objects.filter(section__plan=boden_plan)
    )
    assert set(goal_list_for_user(boden_user)) == set(Goal.objects.filter(section__plan=boden_plan))


@pytest.mark.parametrize("user", LULEA_ONLY_USERS)
@pytest.mark.parametrize("kind", GETTERS)
def test_it_hides_every_boden_object_from_lulea_only_users(request, demo, boden_plan, user, kind):
    thing = boden_things(boden_plan)[kind]

    with pytest.raises(Http404):
        GETTERS[kind](cast(request, user), thing.pk)


@pytest.mark.parametrize("kind", GETTERS)
def test_it_shows_nothing_to_a_user_without_organisation(outsider, lulea_plan, kind):
    with pytest.raises(Http404):
        GETTERS[kind](outsider, lulea_things(lulea_plan)[kind].pk)


@pytest.mark.parametrize("user", ["outsider", "anonymous"])
def test_it_lists_nothing_for_a_user_without_organisation(request, demo, user):
    user = AnonymousUser() if user == "anonymous" else cast(request, user)

    assert not agreement_list_for_user(user).exists()
    assert not plan_list_for_user(user).exists()
    assert not commitment_list_for_user(user).exists()
    assert not goal_list_for_user(user).exists()
    assert not group_list_for_user(user).exists()
    assert not organisation_list_for_user(user).exists()


def test_it_lets_a_forvaltning_see_through_its_kommun(reader, lulea_plan):
    scope = Organisation.objects.filter(pk__in=organisation_scope_ids(reader))

    assert set(scope.values_list("slug", flat=True)) == {"socialforvaltningen", "lulea-kommun"}
    assert get_plan_for_user(reader, lulea_plan.pk) == lulea_plan


def test_it_keeps_what_only_a_company_is_party_to_from_its_kommun(coordinator, reporter):
    # Lulebo belongs to Luleå kommun, but the kommun does not see Lulebo's own agreements.
    agreement = Agreement.objects.create(
        slug="lulebo-trygg-bostad",
        title="Trygg i Lulebo",
        kind=Agreement.Kind.SUPPLEMENT,
        start=dt.date(2021, 1, 1),
        end=dt.date(2021, 12, 31),
    )
    agreement.parties.set([Organisation.objects.get(slug="lulebo")])

    assert get_agreement_for_user(reporter, agreement.pk) == agreement
    with pytest.raises(Http404):
        get_agreement_for_user(coordinator, agreement.pk)


@pytest.mark.parametrize("pk", ["abc", None, 10**9])
def test_it_answers_404_for_a_malformed_or_missing_pk(coordinator, pk):
    with pytest.raises(Http404):
        get_plan_for_user(coordinator, pk)


# --- Groups and organisations ---------------------------------------------------------------


@pytest.mark.parametrize(
    "user, organisations",
    [
        ("admin_user", LULEA_ORGANISATIONS),
        ("coordinator", LULEA_ORGANISATIONS),
        ("reporter", LULEA_ORGANISATIONS),
        ("reader", LULEA_ORGANISATIONS),
        ("steering", LULEA_ORGANISATIONS | {"boden-kommun"}),
        ("kommunpolis", LULEA_ORGANISATIONS | {"boden-kommun"}),
        ("boden_user", {"boden-kommun", "lpo-lulea-boden"}),
        ("outsider", set()),
    ],
)
def test_it_lists_the_organisations_of_the_users_agreements(request, demo, user, organisations):
    listed = organisation_list_for_user(cast(request, user))

    assert set(listed.values_list("slug", flat=True)) == organisations


def test_it_lists_every_party_even_with_nobody_of_theirs_in_a_group(coordinator):
    # The table above holds for Luleå's users partly because people from the LPO sit in
    # Luleå's groups; a party is listed because it is a party, not because of who sits where.
    Membership.objects.filter(organisation__slug="lpo-lulea-boden").delete()

    listed = organisation_list_for_user(coordinator)

    assert "lpo-lulea-boden" in set(listed.values_list("slug", flat=True))


@pytest.mark.parametrize(
    "slug", ["lulea-kommun", "kommunstaben", "socialforvaltningen", "lulebo", "region-norrbotten"]
)
def test_it_hides_luleas_organisations_from_boden(boden_user, slug):
    organisation = Organisation.objects.get(slug=slug)

    with pytest.raises(Http404):
        get_organisation_for_user(boden_user, organisation.pk)


@pytest.mark.parametrize("user", LULEA_USERS)
@pytest.mark.parametrize("slug", ["lulea-kommun", "kommunstaben", "lulebo", "lpo-lulea-boden"])
def test_it_shows_luleas_organisations_to_lulea_users(request, demo, user, slug):
    organisation = Organisation.objects.get(slug=slug)

    assert get_organisation_for_user(cast(request, user), organisation.pk) == organisation


@pytest.mark.parametrize("user", LULEA_ONLY_USERS)
def test_it_hides_boden_kommun_from_lulea_only_users(request, demo, user):
    organisation = Organisation.objects.get(slug="boden-kommun")

    with pytest.raises(Http404):
        get_organisation_for_user(cast(request, user), organisation.pk)


@pytest.mark.parametrize(
    "user, groups",
    [
        (
            "coordinator",
            {
                (LULEA, "styrgrupp"),
                (LULEA, "beredningsgrupp"),
                (LULEA, "est-grupp"),
                (LULEA, "arbetsgrupp-andts"),
            },
        ),
        (
            "kommunpolis",
            {
                (LULEA, "styrgrupp"),
                (LULEA, "beredningsgrupp"),
                (LULEA, "est-grupp"),
                (LULEA, "arbetsgrupp-andts"),
                (BODEN, "styrgrupp"),
            },
        ),
        ("boden_user", {(BODEN, "styrgrupp")}),
    ],
)
def test_it_lists_the_groups_of_the_users_agreements(request, demo, user, groups):
    listed = group_list_for_user(cast(request, user))

    assert set(listed.values_list("agreement__slug", "slug")) == groups


# --- Roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "user, may_edit, may_decide",
    [
        ("admin_user", True, True),
        ("steering", False, True),
        ("coordinator", True, False),
        ("kommunpolis", True, False),
        ("reporter", False, False),
        ("reader", False, False),
        ("boden_user", True, False),
        ("superuser", True, True),  # a superuser may whatever the role says (reader here)
    ],
)
def test_it_gives_each_role_its_rights(request, demo, user, may_edit, may_decide):
    user = cast(request, user)

    assert can_edit_plans(user) is may_edit
    assert can_decide_plans(user) is may_decide


@pytest.mark.parametrize("user", ["admin_user", "coordinator", "steering"])
def test_it_gives_an_inactive_user_no_rights(request, demo, user):
    user = cast(request, user)
    user.is_active = False

    assert not can_edit_plans(user)
    assert not can_decide_plans(user)
