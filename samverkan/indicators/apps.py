from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "samverkan.indicators"
    label = "indicators"
    verbose_name = "Indikatorer"
