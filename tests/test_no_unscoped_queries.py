"""Views and API modules must reach records only through access.py helpers or selectors.

A bare ``Model.objects`` (or ``get_object_or_404``) in a view is how one team's
records leak to another, so this test reads every view and API module and
fails on any. Scoped fetching belongs in ``<app>/access.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "attune"
FORBIDDEN_CALLS = {"get_object_or_404", "get_list_or_404"}


def view_and_api_modules() -> list[Path]:
    modules = [*ROOT.glob("*/views.py"), *ROOT.glob("*/*_views.py"), *ROOT.glob("*/views/*.py")]
    modules += [p for p in ROOT.glob("api/**/*.py") if "tests" not in p.parts]
    return sorted(modules)


def unscoped_uses(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in {
            "objects",
            "_default_manager",
            "_base_manager",
        }:
            found.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_CALLS:
            found.append(f"line {node.lineno}: {node.id}")
        if (
            isinstance(node, ast.Attribute)
            and node.attr in {"raw", "extra"}
            and isinstance(node.value, ast.Attribute)
        ):
            found.append(f"line {node.lineno}: .{node.attr}()")
    return found


def test_the_scanner_catches_bare_queries() -> None:
    sample = "def view(request, pk):\n    return Family.objects.get(pk=pk)\n"
    assert unscoped_uses(sample) == ["line 2: .objects"]
    assert unscoped_uses("get_object_or_404(Family, pk=1)") == ["line 1: get_object_or_404"]
    assert unscoped_uses("family = get_family_for(request.user, pk)") == []


def test_views_and_api_modules_use_access_helpers() -> None:
    modules = view_and_api_modules()
    assert any(p.name == "views.py" for p in modules), "no view modules found: the scan is broken"
    offenders = {
        str(path.relative_to(ROOT.parent)): uses
        for path in modules
        if (uses := unscoped_uses(path.read_text()))
    }
    assert not offenders, (
        f"Fetch records through access.py helpers or selectors, not in views: {offenders}"
    )
