"""The public page of an agreement and its open data, without login."""

from django.urls import path

from samverkan.public import views

urlpatterns = [
    path("<slug:slug>/", views.agreement_page, name="public_agreement"),
    path("<slug:slug>/data.json", views.agreement_json, name="public_agreement_json"),
    path("<slug:slug>/data.csv", views.agreement_csv, name="public_agreement_csv"),
]
