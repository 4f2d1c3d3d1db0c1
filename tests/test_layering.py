"""The layers hold: read every import in the package (ast, nothing is imported) and check
the rules docs/architecture.md states.

- analysis/ imports neither Django nor any app: DataFrames in, numbers and codes out;
- core/ imports no app;
- imports/ (the framework every source uses) imports no data app;
- the data apps (organisations, plans, places, incidents, indicators) import none of the
  pictures, documents or demo made of them (est, lagesbild, prevention, reports, demo);
- no import cycle between apps.

Imports inside functions count as well: a lazy import is still an arrow.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "samverkan"

DATA_APPS = {"organisations", "plans", "places", "incidents", "indicators"}
ABOVE_DATA = {
    "est", "lagesbild", "prevention", "collaboration", "andts", "reports", "demo", "open311",
    "notices",
    "public", "meetings",
}  # fmt: skip
# The project's own modules (settings, urls, api, wsgi …) wire the apps together.
PROJECT_MODULES = {"settings", "urls", "api", "wsgi", "asgi", "__main__", "__init__", "cli"}


@dataclass(frozen=True)
class Import:
    source: str  # dotted module that imports, e.g. samverkan.plans.views
    target: str  # dotted module imported, e.g. samverkan.core.access
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} imports {self.target}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path) -> list[Import]:
    """Every import statement under root (migrations aside), relative ones resolved."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        source = module_name(path, root)
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                # `from samverkan import demo` names a module too.
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names if base]
            else:
                continue
            rel = str(path.relative_to(root.parent))
            found += [Import(source, target, rel, node.lineno) for target in targets]
    return found


def app_of(module: str, package: str) -> str | None:
    """The app a dotted module belongs to, None for the project's own modules."""
    parts = module.split(".")
    if parts[0] != package or len(parts) < 2:
        return None
    return None if parts[1] in PROJECT_MODULES else parts[1]


def violations(root: Path) -> list[str]:
    package = root.name
    problems = []
    edges: dict[str, dict[str, Import]] = {}
    for imp in imports_of(root):
        source_app = app_of(imp.source, package)
        if source_app is None:
            continue
        top = imp.target.split(".")[0]
        target_app = app_of(imp.target, package)
        if source_app == "analysis" and (
            top == "django" or (target_app and target_app != "analysis")
        ):
            problems.append(f"{imp.path}:{imp.line} (analysis imports no Django and no app)")
        if source_app == "core" and target_app and target_app != "core":
            problems.append(f"{imp.path}:{imp.line} (core imports no app)")
        if source_app == "imports" and target_app in DATA_APPS | ABOVE_DATA:
            problems.append(f"{imp.path}:{imp.line} (imports/ knows no data app)")
        if source_app in DATA_APPS and target_app in ABOVE_DATA:
            problems.append(
                f"{imp.path}:{imp.line} (a data app does not import what is made of it)"
            )
        if target_app and target_app != source_app:
            edges.setdefault(source_app, {}).setdefault(target_app, imp)
    problems = list(dict.fromkeys(problems))  # `from a.b import c` names a.b and a.b.c
    problems += [f"import cycle: {cycle}" for cycle in cycles(edges)]
    return problems


def cycles(edges: dict[str, dict[str, Import]]) -> list[str]:
    """Each strongly connected group of apps, with one import per arrow inside it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(app: str) -> None:
        index[app] = low[app] = len(index)
        stack.append(app)
        for other in edges.get(app, {}):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == app:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for app in sorted(edges):
        if app not in index:
            visit(app)
    described = []
    for group in groups:
        arrows = [
            str(imp) for a in group for b, imp in sorted(edges.get(a, {}).items()) if b in group
        ]
        described.append(" ↔ ".join(group) + "; " + "; ".join(arrows))
    return described


def test_the_package_keeps_its_layers():
    problems = violations(PACKAGE)
    assert problems == [], "\n".join(problems)


# --- The checker finds what it forbids ------------------------------------------------------


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "pkg" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"analysis/trend.py": "import django\n"}, "analysis imports no Django"),
        ({"analysis/trend.py": "from pkg.plans import models\n"}, "analysis imports no Django"),
        ({"core/access.py": "from pkg.plans.models import Agreement\n"}, "core imports no app"),
        (
            {"core/access.py": "def f():\n    from pkg.incidents import models\n"},
            "core imports no app",
        ),
        ({"imports/runs.py": "from pkg.incidents import models\n"}, "imports/ knows no data app"),
        (
            {"incidents/views.py": "from pkg.est.models import Action\n"},
            "a data app does not import what is made of it",
        ),
        (
            {"plans/selectors.py": "from ..lagesbild import text\n"},
            "a data app does not import what is made of it",
        ),
        (
            {
                "plans/selectors.py": "from pkg.indicators.selectors import goal_progress\n",
                "indicators/views.py": "from pkg.plans.models import Goal\n",
            },
            "import cycle: indicators ↔ plans",
        ),
        (
            {
                "places/a.py": "import pkg.incidents.models\n",
                "incidents/b.py": "from pkg.plans import x\n",
                "plans/c.py": "def late():\n    from pkg.places import a\n",
            },
            "import cycle: incidents ↔ places ↔ plans",
        ),
    ],
)
def test_the_checker_reports_a_forbidden_import(tmp_path, files, expected):
    root = write_tree(tmp_path, files)
    problems = violations(root)
    assert any(expected in problem for problem in problems), problems


def test_the_checker_allows_the_arrows_that_run_one_way(tmp_path):
    root = write_tree(
        tmp_path,
        {
            "urls.py": "from pkg.est import views\nfrom pkg.plans import views\n",
            "analysis/trend.py": "import numpy\nfrom pkg.analysis import counts\n",
            "core/access.py": "from django.db.models import Q\nfrom pkg.core.models import User\n",
            "imports/runs.py": "from pkg.core.models import User\n",
            "plans/models.py": "from pkg.core.models import User\nfrom pkg.imports import runs\n",
            "incidents/models.py": "from pkg.plans.models import Agreement\n",
            "est/weekly.py": "from pkg.incidents.models import Incident\nfrom pkg.analysis import x\n",
            "lagesbild/views.py": "from pkg.est import weekly\nfrom pkg.plans import models\n",
        },
    )
    assert violations(root) == []
