"""Open311 GeoReport v2's resources, mounted at /open311/v2/; the format is the suffix."""

from django.urls import re_path

from samverkan.open311.views import request_detail, request_list, service_definition, service_list

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^services" + FMT, service_list, name="open311_services"),
    re_path(r"^services/(?P<code>[-\w]+)" + FMT, service_definition, name="open311_service"),
    re_path(r"^requests" + FMT, request_list, name="open311_requests"),
    re_path(r"^requests/(?P<request_id>[^/.]+)" + FMT, request_detail, name="open311_request"),
]
