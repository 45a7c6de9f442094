"""Templates keep the one-way rule that import-linter checks for Python (`make lint`).

A template may load tags from, include or extend only templates of its own app or of apps
below it in the layers of pyproject.toml ([tool.importlinter]).
"""

import re
import tomllib
from pathlib import Path

from django.template import engines

ROOT = Path(__file__).resolve().parents[2]
LOAD = re.compile(r"{%\s*load\s+([^%]+?)\s*%}")
USES = re.compile(r"""{%\s*(?:include|extends)\s+["']([^"']+)["']""")


def _rank() -> dict[str, int]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    layers = config["tool"]["importlinter"]["contracts"][0]["layers"]
    rank = {}
    for height, layer in enumerate(reversed(layers)):
        for app in layer.split("|"):
            rank[app.strip()] = height
    return rank


def _templates() -> dict[str, tuple[str, Path]]:
    """Template name -> (app, file), for every app's templates/ folder."""
    found = {}
    for app in _rank():
        folder = ROOT / app / "templates"
        for path in sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.txt")):
            found.setdefault(str(path.relative_to(folder)), (app, path))
    return found


def _library_app(name: str) -> str | None:
    """The top-level package that provides a template tag library (``core`` for glossary)."""
    module = engines["django"].engine.libraries.get(name, "")
    return module.split(".")[0] if module else None


def layer_violations() -> list[str]:
    rank = _rank()
    templates = _templates()
    problems = []
    for name, (app, path) in templates.items():
        text = path.read_text()
        for libraries in LOAD.findall(text):
            for library in libraries.split():
                if library == "from":
                    break
                owner = _library_app(library)
                if owner in rank and rank[owner] > rank[app]:
                    problems.append(f"{name} ({app}) loads {library} from {owner}")
        for used in USES.findall(text):
            owner = templates.get(used, (None, None))[0]
            if owner in rank and rank[owner] > rank[app]:
                problems.append(f"{name} ({app}) uses {used} from {owner}")
    return problems


def test_no_template_reaches_up_the_layers():
    assert layer_violations() == []


def test_the_check_sees_what_it_checks():
    """Control: the walk reads every app's templates and knows where the shared tags live."""
    templates = _templates()
    assert templates["base.html"][0] == "core"
    assert templates["attendance/register.html"][0] == "attendance"
    assert _library_app("glossary") == "core"
