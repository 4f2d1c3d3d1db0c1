"""Districts and places."""

from django.urls import path

from samverkan.places import views

urlpatterns = [
    path("omraden/", views.district_list, name="district_list"),
    path("omraden/<int:pk>/", views.district_detail, name="district_detail"),
    path("platser/<int:pk>/", views.place_detail, name="place_detail"),
]
