"""Who sees which municipality, district and place: the places chokepoints.

A user sees a municipality, with its districts and places, when the organisation that is
the kommun (or the kommun above it) is party to an agreement the user can see: Luleå's
users see Luleå, the police area that is party to both agreements sees Luleå and Boden, and
Boden's users see nothing of Luleå. The rule is `samverkan.core.access.scope`'s.
"""

from django.db.models import QuerySet

from samverkan.core.access import get_or_404, scope
from samverkan.core.models import User
from samverkan.places.models import District, Municipality, Place


def municipality_list_for_user(user: User) -> QuerySet[Municipality]:
    return scope(Municipality.objects.all(), user, municipality="")


def district_list_for_user(user: User) -> QuerySet[District]:
    return scope(District.objects.all(), user, municipality="municipality")


def place_list_for_user(user: User) -> QuerySet[Place]:
    return scope(Place.objects.all(), user, municipality="municipality")


def get_district_for_user(user: User, pk) -> District:
    return get_or_404(district_list_for_user(user).select_related("municipality"), pk)


def get_place_for_user(user: User, pk) -> Place:
    return get_or_404(place_list_for_user(user).select_related("municipality", "district"), pk)
