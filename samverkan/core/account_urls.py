from django.urls import path

from samverkan.core import account_views

urlpatterns = [
    path("nycklar/", account_views.tokens, name="account_tokens"),
    path("nycklar/<int:pk>/aterkalla/", account_views.token_revoke, name="account_token_revoke"),
]
