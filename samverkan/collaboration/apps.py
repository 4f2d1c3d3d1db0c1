from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "samverkan.collaboration"
    label = "collaboration"
    verbose_name = "Samverkansinventering"
