from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "samverkan.meetings"
    label = "meetings"
    verbose_name = "Möten och beslut"
