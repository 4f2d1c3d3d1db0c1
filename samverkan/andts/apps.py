from django.apps import AppConfig


class AndtsConfig(AppConfig):
    name = "samverkan.andts"
    label = "andts"
    verbose_name = "ANDT(S)-handlingsplan"
