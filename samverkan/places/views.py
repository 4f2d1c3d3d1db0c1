from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from samverkan.places.access import (
    get_district_for_user,
    get_place_for_user,
    municipality_list_for_user,
)
from samverkan.places.selectors import district_overview, district_view


@login_required
def district_list(request):
    municipalities = district_overview(municipality_list_for_user(request.user))
    return render(request, "places/district_list.html", {"municipalities": municipalities})


@login_required
def district_detail(request, pk):
    district = get_district_for_user(request.user, pk)
    return render(request, "places/district_detail.html", {"view": district_view(district)})


@login_required
def place_detail(request, pk):
    place = get_place_for_user(request.user, pk)
    return render(request, "places/place_detail.html", {"place": place})
