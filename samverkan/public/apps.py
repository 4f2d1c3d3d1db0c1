from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "samverkan.public"
    label = "public"
    verbose_name = "Öppen sida"
