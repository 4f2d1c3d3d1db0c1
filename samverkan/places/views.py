from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from samverkan.places.selectors import (
    district_overview_for_user,
    district_view,
    get_district_for_user,
    get_place_for_user,
)


@login_required
def district_list(request):
    municipalities = district_overview_for_user(request.user)
    return render(request, "places/district_list.html", {"municipalities": municipalities})


@login_required
def district_detail(request, pk):
    district = get_district_for_user(request.user, pk)
    return render(request, "places/district_detail.html", {"view": district_view(district)})


@login_required
def place_detail(request, pk):
    place = get_place_for_user(request.user, pk)
    return render(request, "places/place_detail.html", {"place": place})
