"""Read the package (ast, nothing is imported): only the four adopting functions, each called
by `meetings.services.decision_record`, write fastställd or beslutad to a plan, a document,
an intervention or an action plan. A new path that writes the status fails here."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "samverkan"

ADOPTING = {
    ("plans/services.py", "plan_decide"),
    ("reports/services.py", "document_decide"),
    ("prevention/services.py", "intervention_decide"),
    ("andts/services.py", "plan_decide"),
    # The demo keeps its first plan fastställd as history after a revision archived it; the
    # plan has its decision from 2020 (samverkan/demo/load.py).
    ("demo/load.py", "load_current_plan"),
}
MODELS = {"Plan", "ActionPlan", "Intervention"}


def _is_decided(node) -> bool:
    """``Plan.Status.DECIDED`` and the like, or the literal values."""
    if isinstance(node, ast.Attribute) and node.attr == "DECIDED":
        owner = node.value
        return (
            isinstance(owner, ast.Attribute)
            and owner.attr == "Status"
            and isinstance(owner.value, ast.Name)
            and owner.value.id in MODELS
        )
    return isinstance(node, ast.Constant) and node.value in ("faststalld", "beslutad")


def _writes(tree) -> list[tuple[str, int]]:
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and _is_decided(node.value):
                if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in node.targets):
                    found.append((function.name, node.lineno))
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr == "decided" for t in node.targets
            ):
                if isinstance(node.value, ast.Constant) and node.value.value is True:
                    found.append((function.name, node.lineno))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in {"update", "create", "update_or_create", "get_or_create"}:
                    for keyword in node.keywords:
                        if keyword.arg == "status" and _is_decided(keyword.value):
                            found.append((function.name, node.lineno))
                        if keyword.arg == "decided" and getattr(keyword.value, "value", 0) is True:
                            found.append((function.name, node.lineno))
    return found


def test_only_a_decision_makes_anything_fastställd_or_beslutad():
    outside, inside = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function, line in _writes(tree):
            if (relative, function) not in ADOPTING:
                outside.append(f"samverkan/{relative}:{line} in {function}()")
            else:
                inside.add((relative, function))
    assert outside == []
    assert inside == ADOPTING  # each adopting function is read and found


def test_the_reader_finds_a_write():
    # The check can fail: a function that sets the status is found.
    tree = ast.parse(
        "def f(plan):\n    plan.status = Plan.Status.DECIDED\n"
        "def g(qs):\n    qs.update(status='beslutad')\n"
    )
    assert _writes(tree) == [("f", 2), ("g", 4)]
