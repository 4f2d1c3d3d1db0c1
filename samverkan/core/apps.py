from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "samverkan.core"
    label = "core"
    verbose_name = "Grund"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from samverkan.core.middleware import SessionRenewalMiddleware

        # A login writes the session anyway: it starts the renewal interval too.
        user_logged_in.connect(SessionRenewalMiddleware.stamp, dispatch_uid="session-renewal")
