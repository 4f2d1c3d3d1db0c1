from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "samverkan.places"
    label = "places"
    verbose_name = "Platser och områden"
