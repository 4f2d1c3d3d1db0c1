from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "samverkan.notices"
    label = "notices"
    verbose_name = "Utskick"
