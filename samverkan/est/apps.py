from django.apps import AppConfig


class EstConfig(AppConfig):
    name = "samverkan.est"
    label = "est"
    verbose_name = "EST"
