from django.urls import path

from samverkan.core import account_views, two_factor_views

urlpatterns = [
    path("nycklar/", account_views.tokens, name="account_tokens"),
    path("nycklar/<int:pk>/aterkalla/", account_views.token_revoke, name="account_token_revoke"),
    path("tvafaktor/", two_factor_views.setup, name="two_factor_setup"),
    path("tvafaktor/kod/", two_factor_views.verify, name="two_factor_verify"),
]
