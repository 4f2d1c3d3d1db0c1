from django.urls import path

from samverkan.reports import views

urlpatterns = [
    path(
        "overenskommelser/<int:agreement_pk>/dokument/",
        views.document_list,
        name="document_list",
    ),
    path("dokument/<int:pk>/fil/", views.document_file, name="document_file"),
    path("dokument/<int:pk>/beslut/", views.document_decide, name="document_decide"),
]
