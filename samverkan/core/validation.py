"""Swedish wording for pydantic validation errors, shared by the plan file and the API."""

DATE = "datumet kan inte tolkas, skriv ÅÅÅÅ-MM-DD"

MESSAGES = {
    "missing": "fältet saknas",
    "extra_forbidden": "okänt fält",
    "date_from_datetime_parsing": DATE,
    "date_parsing": DATE,
    "date_type": DATE,
    "date_from_datetime_inexact": "ange ett datum utan klockslag, ÅÅÅÅ-MM-DD",
    "string_type": "ska vara text",
    "string_too_short": "får inte vara tomt",
    "list_type": "ska vara en lista",
    "too_short": "får inte vara tom",
    "bool_type": "ska vara true eller false",
    "bool_parsing": "ska vara true eller false",
    "int_type": "ska vara ett heltal",
    "int_parsing": "ska vara ett heltal",
    "int_from_float": "ska vara ett heltal",
    "model_type": "ska vara en samling fält (nyckel: värde)",
    "model_attributes_type": "ska vara en samling fält (nyckel: värde)",
    "dict_type": "ska vara en samling fält (nyckel: värde)",
    "json_invalid": "kroppen är inte giltig JSON",
}


def swedish_message(error: dict, overrides: dict[str, str] | None = None) -> str:
    """A Swedish message for one entry of pydantic's `ValidationError.errors()`."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if overrides and kind in overrides:
        return overrides[kind]
    if kind == "literal_error":
        return f"måste vara en av {ctx.get('expected')}"
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    if kind in {"less_than_equal", "less_than"}:
        return f"får vara högst {ctx.get('le', ctx.get('lt'))}"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"måste vara minst {ctx.get('ge', ctx.get('gt'))}"
    return MESSAGES.get(kind, error.get("msg", "ogiltigt värde"))
