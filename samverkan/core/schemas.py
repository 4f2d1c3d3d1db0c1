"""API schemas every app's router shares, so that each name in the OpenAPI document is one
schema."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import model_validator
from pydantic_core import PydanticCustomError


class Ref(Schema):
    """An object named by its id: a district, a place, an organisation, a group, a person."""

    id: int
    name: str


class MunicipalityRef(Schema):
    code: str
    name: str


class BodyIn(Schema):
    """A request body: a JSON object. django-ninja's Schema reads attributes, so without this a
    list, a number or a string would pass as a body whose every field is left out (an empty
    change that answers 200); here it is a 422 at `body`."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, values):
        # django-ninja's own validator runs first and wraps what it got in a DjangoGetter.
        if not isinstance(getattr(values, "_obj", values), dict):
            raise PydanticCustomError("model_type", "Input should be an object")
        return values


class FieldError(Schema):
    """Ett ogiltigt värde: var det står (`["body", "severity"]`, `["query", "from"]`) och varför."""

    loc: list[str | int]
    msg: str


class ErrorOut(Schema):
    """Ett fel: en svensk mening, eller för ogiltiga värden en lista med {"loc", "msg"}."""

    detail: list[FieldError] | str = Field(
        description="Ett svenskt meddelande, eller för ogiltiga värden ett per fält."
    )


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error answers an operation declares beside its success, for `response=`:
    `response={200: PlanOut, **errors(401, 403, 404, 422)}`. Each is one ErrorOut:

    400 a body that is not JSON; 401 no or an invalid key; 403 the role may not, or the
    session's CSRF check failed; 404 not there or another party's; 422 a value that is invalid or out of range (`detail[].loc` says which)."""
    return dict.fromkeys(codes, ErrorOut)


def patch_fields(payload: Schema, model) -> dict:
    """The fields a PATCH body sends; a null for a field of `model` that cannot be empty
    (a text, a choice, a list of links) is a 422 at that field, not a database error."""
    fields = payload.dict(exclude_unset=True)
    errors = {}
    for name, value in fields.items():
        if value is not None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if not field.null or field.many_to_many:
            errors[name] = [_("Kan inte vara null: skicka ett värde eller utelämna fältet.")]
    if errors:
        raise ValidationError(errors)
    return fields
