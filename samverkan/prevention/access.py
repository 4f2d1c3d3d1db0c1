"""Who sees which problem, cause analysis, intervention, evaluation and medborgarlöfte: the
prevention chokepoints, thin calls of the one scope rule (`samverkan.core.access.scope`).

A problem belongs to its agreement: it is seen by the users whose organisation (or one above
it) is party to the agreement; a begränsad problem only within the owning organisation's
tree. A cause analysis, an intervention and an evaluation are seen with their problem; a
begränsad cause analysis only within the problem's owning organisation's tree. The method
catalogue is public knowledge: every logged-in user reads it.
"""

from django.db.models import QuerySet

from samverkan.core.access import get_or_404, scope
from samverkan.core.models import User
from samverkan.prevention.models import (
    CauseAnalysis,
    Evaluation,
    Intervention,
    Method,
    Problem,
    Promise,
)


def problem_list_for_user(user: User) -> QuerySet[Problem]:
    return scope(
        Problem.objects.all(), user, agreement="agreement", restricted="owner_organisation"
    )


def get_problem_for_user(user: User, pk) -> Problem:
    return get_or_404(
        problem_list_for_user(user).select_related("agreement", "owner_organisation", "section"),
        pk,
    )


def cause_analysis_list_for_user(user: User) -> QuerySet[CauseAnalysis]:
    return scope(
        CauseAnalysis.objects.filter(problem__in=problem_list_for_user(user).values("pk")),
        user,
        restricted="problem__owner_organisation",
    )


def get_cause_analysis_for_user(user: User, pk) -> CauseAnalysis:
    return get_or_404(cause_analysis_list_for_user(user).select_related("problem__agreement"), pk)


def intervention_list_for_user(user: User) -> QuerySet[Intervention]:
    return Intervention.objects.filter(problem__in=problem_list_for_user(user).values("pk"))


def get_intervention_for_user(user: User, pk) -> Intervention:
    return get_or_404(
        intervention_list_for_user(user).select_related(
            "problem__agreement", "method", "owner_organisation"
        ),
        pk,
    )


def evaluation_list_for_user(user: User) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(intervention__in=intervention_list_for_user(user).values("pk"))


def get_evaluation_for_user(user: User, pk) -> Evaluation:
    return get_or_404(evaluation_list_for_user(user).select_related("intervention"), pk)


def method_list_for_user(user: User) -> QuerySet[Method]:
    if not (user.is_authenticated and user.is_active):
        return Method.objects.none()
    return Method.objects.all()


def promise_list_for_user(user: User) -> QuerySet[Promise]:
    return scope(Promise.objects.all(), user, agreement="agreement")


def get_promise_for_user(user: User, pk) -> Promise:
    return get_or_404(promise_list_for_user(user).select_related("agreement"), pk)
