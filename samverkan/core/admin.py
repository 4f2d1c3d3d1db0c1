from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from samverkan.core.models import APIToken, User


@admin.register(User)
class SamverkanUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Samverkan", {"fields": ["organisation", "role", "title"]}),
    ]


@admin.register(APIToken)
class APITokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
