from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "samverkan.prevention"
    label = "prevention"
    verbose_name = "Brottsförebyggande arbete"
