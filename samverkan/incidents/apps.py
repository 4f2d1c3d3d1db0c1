from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "samverkan.incidents"
    label = "incidents"
    verbose_name = "Händelser"

    def ready(self) -> None:
        from samverkan.core.retention import register_retention
        from samverkan.imports.kinds import register_kind
        from samverkan.incidents.importers.mapping import TARGET_FIELDS
        from samverkan.incidents.retention import incident_retention

        register_kind("incidents", fields=TARGET_FIELDS)
        register_retention("incidents", incident_retention)
