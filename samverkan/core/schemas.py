"""API schemas every app's router shares, so that each name in the OpenAPI document is one
schema."""

from ninja import Schema


class Ref(Schema):
    """An object named by its id: a district, a place, an organisation, a group, a person."""

    id: int
    name: str


class MunicipalityRef(Schema):
    code: str
    name: str


class ErrorOut(Schema):
    """An error: a list of {"loc", "msg"} for invalid input, or one sentence."""

    detail: list[dict] | str
