from django.apps import AppConfig


class LagesbildConfig(AppConfig):
    name = "samverkan.lagesbild"
    label = "lagesbild"
    verbose_name = "Lägesbild"
