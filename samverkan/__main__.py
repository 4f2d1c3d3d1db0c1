"""The `samverkan` command: Django's manage.py for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        # `samverkan import-plan` and `samverkan import_plan` are the same command.
        sys.argv[1] = sys.argv[1].replace("-", "_")
    if len(sys.argv) > 1 and sys.argv[1] == "demo":
        # The demo runs without configuration: settings then make up and keep a secret key
        # in the data directory instead of refusing to start.
        os.environ.setdefault("SAMVERKAN_DEMO", "1")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.exit(f"samverkan: {exc}")


if __name__ == "__main__":
    main()
