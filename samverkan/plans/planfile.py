"""The plan file: a verksamhetsplan as human-editable YAML (format `samverkan-plan/1`).

`parse_plan_file` reads and validates the text and names the line and field of every
problem; `plan_to_data`/`dump_plan_file` write a stored plan back in the same format, so a
file round-trips. Writing a parsed file to the database is `services.plan_create_from_file`.
The format is documented in docs/plan-format.md.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from samverkan.core.validation import swedish_message

FORMAT = "samverkan-plan/1"


@dataclass(frozen=True)
class PlanFileProblem:
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"rad {self.line}" if self.line else "filen"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class PlanFileInvalid(Exception):
    def __init__(self, problems: list[PlanFileProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _as_text(value: Any) -> Any:
    """Numbers such as `number: 1` are read as text: "1", like "6.1"."""
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


Number = Annotated[str, BeforeValidator(_as_text), Field(pattern=r"^\d+(\.\d+)*$")]
Text = Annotated[str, BeforeValidator(lambda v: v.strip() if isinstance(v, str) else v)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _ScheduledIn(_Strict):
    schedule: Text = ""
    due: dt.date | None = None
    continuous: bool = False

    @model_validator(mode="after")
    def _due_or_continuous(self):
        if self.continuous and self.due is not None:
            raise ValueError("ett löpande åtagande kan inte också ha ett slutdatum (due)")
        return self


class SubgoalIn(_ScheduledIn):
    number: Annotated[str, BeforeValidator(_as_text)] = ""
    text: Text = Field(min_length=1)


class GoalIn(_ScheduledIn):
    number: Annotated[str, BeforeValidator(_as_text)] = ""
    text: Text = Field(min_length=1)
    subgoals: list[SubgoalIn] = []


class ResponsibleIn(_Strict):
    organisations: list[str] = []
    groups: list[str] = []
    persons: list[str] = []
    text: Text = ""


class CommitmentIn(_ScheduledIn):
    text: Text = Field(min_length=1)
    responsible: ResponsibleIn = ResponsibleIn()


SectionKind = Literal[
    "organisation", "lagesbild", "kommunikation", "kunskap", "helhetsbild", "fokusomrade", "ovrigt"
]


class SectionIn(_Strict):
    number: Number
    title: Text = Field(min_length=1)
    kind: SectionKind = "ovrigt"
    description: Text = ""
    problem_description: Text = ""
    incident_categories: list[str] = []
    goals: list[GoalIn] = []
    commitments: list[CommitmentIn] = []

    @model_validator(mode="after")
    def _categories_for_focus_areas(self):
        if self.incident_categories and self.kind != "fokusomrade":
            raise ValueError(
                "incident_categories gäller bara fokusområden (kind: fokusomrade), "
                f"inte {self.kind}"
            )
        return self


class PlanFile(_Strict):
    format: Literal["samverkan-plan/1"]
    agreement: str = Field(min_length=1)
    title: Text = Field(min_length=1)
    period_start: dt.date
    period_end: dt.date
    follow_up_period: Literal["kvartal", "tertial", "halvar", "ar"] = "tertial"
    purpose: Text = ""
    overall_goal: Text = ""
    sections: list[SectionIn] = Field(min_length=1)

    @model_validator(mode="after")
    def _period_in_order(self):
        if self.period_end < self.period_start:
            raise ValueError("period_end ligger före period_start")
        return self


# --- Reading YAML while remembering where each value stood ---------------------------------

Path = tuple[str | int, ...]


# A plan file is a few hundred lines a few levels deep. Far larger or deeper, or with aliases
# (the "billion laughs": a few lines of anchors that expand to gigabytes), it is no plan file.
MAX_PLAN_FILE_CHARACTERS = 1_000_000
MAX_DEPTH = 40


class _PlanLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases and with a bound on nesting."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                f"alias (*{event.anchor}) är inte tillåtna i en planfil",
                event.start_mark,
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"fälten är nästlade djupare än {MAX_DEPTH} nivåer",
                    self.peek_event().start_mark,
                )  # fmt: skip
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _compose(text: str) -> tuple[Any, dict[Path, int]]:
    """Build plain Python data from YAML and a map from each value's path to its line.

    Scalars are constructed by PyYAML's safe rules (dates become dates), except that a
    scalar PyYAML cannot construct (2020-13-45) stays text, so validation can name it.
    """
    loader = _PlanLoader(text)
    lines: dict[Path, int] = {}
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()

    def build(node: yaml.Node, path: Path) -> Any:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if key in result:
                    raise PlanFileInvalid(
                        [
                            PlanFileProblem(
                                key_node.start_mark.line + 1, key, "fältet står två gånger"
                            )
                        ]
                    )
                result[key] = build(value_node, (*path, key))
                lines[(*path, key)] = key_node.start_mark.line + 1
            return result
        if isinstance(node, yaml.SequenceNode):
            return [build(item, (*path, i)) for i, item in enumerate(node.value)]
        if path and path[-1] == "number":
            # Section numbers are text as written: an unquoted 6.10 must not become 6.1.
            return node.value
        try:
            return loader.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError):
            return node.value

    return (build(node, ()) if node is not None else None), lines


def line_for(lines: dict[Path, int], path: Iterable[str | int]) -> int | None:
    """The line of `path`, or of the nearest enclosing value that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


_OVERRIDES = {"string_pattern_mismatch": "ska vara ett avsnittsnummer som 1, 6 eller 6.1"}


def _problem_from_error(error: dict, lines: dict[Path, int]) -> PlanFileProblem:
    loc = tuple(error["loc"])
    field = ".".join(str(part) for part in loc)
    return PlanFileProblem(line_for(lines, loc), field, swedish_message(error, _OVERRIDES))


def parse_plan_file(text: str) -> tuple[PlanFile, dict[Path, int]]:
    """Validate a plan file. Raises PlanFileInvalid naming the line and field of each problem."""
    if len(text) > MAX_PLAN_FILE_CHARACTERS:
        raise PlanFileInvalid(
            [
                PlanFileProblem(
                    None, "", f"filen har {len(text)} tecken; en planfil får ha högst "
                    f"{MAX_PLAN_FILE_CHARACTERS}",
                )
            ]
        )  # fmt: skip
    try:
        data, lines = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PlanFileInvalid(
            [PlanFileProblem(line, "", f"filen är inte giltig YAML ({exc.problem})")]
        ) from None
    if not isinstance(data, dict):
        raise PlanFileInvalid([PlanFileProblem(1, "", "filen ska börja med planens fält")])
    try:
        plan = PlanFile.model_validate(data)
    except ValidationError as exc:
        raise PlanFileInvalid([_problem_from_error(e, lines) for e in exc.errors()]) from None

    problems = []
    seen: dict[str, int] = {}
    for index, section in enumerate(plan.sections):
        where = line_for(lines, ("sections", index, "number"))
        if section.number in seen:
            problems.append(
                PlanFileProblem(
                    where,
                    f"sections.{index}.number",
                    f"avsnitt {section.number} finns redan (rad {seen[section.number]})",
                )
            )
            continue
        parent = section.number.rpartition(".")[0]
        if parent and parent not in seen:
            problems.append(
                PlanFileProblem(
                    where,
                    f"sections.{index}.number",
                    f"avsnitt {section.number} står före eller utan sitt överavsnitt {parent}",
                )
            )
        seen[section.number] = where
    if problems:
        raise PlanFileInvalid(problems)
    return plan, lines


# --- Writing ----------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_plan_file(data: dict) -> str:
    """YAML text for plan data in the file format (as built by `plan_to_data`)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _multiline(text: str) -> str:
    return text + "\n" if "\n" in text or len(text) > 80 else text


def _scheduled(obj) -> dict:
    data: dict[str, Any] = {}
    if obj.schedule_text:
        data["schedule"] = obj.schedule_text
    if obj.due_date:
        data["due"] = obj.due_date
    if obj.continuous:
        data["continuous"] = True
    return data


def _goal_data(goal) -> dict:
    data: dict[str, Any] = {"number": goal.number} if goal.number else {}
    return {**data, "text": _multiline(goal.text), **_scheduled(goal)}


def plan_to_data(plan) -> dict:
    """A stored plan as plan-file data. Reads the plan in a fixed number of queries."""
    sections = list(
        plan.sections.prefetch_related(
            "goals__subgoals",
            "commitments__responsible_organisations",
            "commitments__responsible_groups",
            "commitments__responsible_persons",
        )
    )
    data: dict[str, Any] = {
        "format": FORMAT,
        "agreement": plan.agreement.slug,
        "title": plan.title,
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "follow_up_period": plan.follow_up_period,
    }
    if plan.purpose:
        data["purpose"] = _multiline(plan.purpose)
    if plan.overall_goal:
        data["overall_goal"] = _multiline(plan.overall_goal)
    data["sections"] = []
    for section in sections:
        entry: dict[str, Any] = {
            "number": section.number,
            "title": section.title,
            "kind": section.kind,
        }
        if section.description:
            entry["description"] = _multiline(section.description)
        if section.problem_description:
            entry["problem_description"] = _multiline(section.problem_description)
        if section.incident_categories:
            entry["incident_categories"] = list(section.incident_categories)
        goals = [g for g in section.goals.all() if g.parent_id is None]
        if goals:
            entry["goals"] = []
            for goal in goals:
                goal_data = _goal_data(goal)
                subgoals = list(goal.subgoals.all())
                if subgoals:
                    goal_data["subgoals"] = [_goal_data(s) for s in subgoals]
                entry["goals"].append(goal_data)
        commitments = list(section.commitments.all())
        if commitments:
            entry["commitments"] = []
            for commitment in commitments:
                responsible: dict[str, Any] = {}
                orgs = [o.slug for o in commitment.responsible_organisations.all()]
                groups = [g.slug for g in commitment.responsible_groups.all()]
                persons = [p.username for p in commitment.responsible_persons.all()]
                if orgs:
                    responsible["organisations"] = sorted(orgs)
                if groups:
                    responsible["groups"] = sorted(groups)
                if persons:
                    responsible["persons"] = sorted(persons)
                if commitment.responsibility_text:
                    responsible["text"] = _multiline(commitment.responsibility_text)
                commitment_data: dict[str, Any] = {"text": _multiline(commitment.text)}
                if responsible:
                    commitment_data["responsible"] = responsible
                commitment_data.update(_scheduled(commitment))
                entry["commitments"].append(commitment_data)
        data["sections"].append(entry)
    return data
