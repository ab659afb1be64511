"""Apps depend leftwards only (docs/architecture.md): people ← procedures ← courses ← assessments ← legalchanges
← certificates ← dashboards. No module of an app imports an app to its right (lazy imports inside functions
count too). `lms/` is the project package (settings, URLs) and is not checked."""

import ast
from pathlib import Path

from django.conf import settings

ORDER = ("people", "procedures", "courses", "assessments", "legalchanges", "certificates", "dashboards")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_apps_import_only_apps_to_their_left():
    base = Path(settings.BASE_DIR)
    wrong = []
    for position, app in enumerate(ORDER):
        right = set(ORDER[position + 1:])
        for path in sorted((base / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for imported in sorted(_imports(path) & right):
                wrong.append(f"{path.relative_to(base)} imports {imported}")
    assert not wrong, "\n".join(wrong)


def test_the_order_is_the_installed_order():
    installed = [app for app in settings.INSTALLED_APPS if app in ORDER]
    assert installed == list(ORDER)
