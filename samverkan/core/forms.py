from django.core.exceptions import ValidationError


def add_service_errors(
    form, error: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError next to the form field it concerns.

    `field_map` sends a service field to the form field that stands for it (a service may
    complain about `lat`, which the form shows as its `place` choice). Errors for fields the
    form does not have are shown above the form.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            field = (field_map or {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)
