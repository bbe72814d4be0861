"""The Python face is written from the kinds' declarations: what is in the repository is what
they give, and every kind has its typed resource at ``pulumi_looker.<Kind>``."""

from __future__ import annotations

import inspect
import subprocess
from pathlib import Path

import pulumi_looker
from pulumi_looker.dynamic import codegen
from pulumi_looker.resources import KINDS

#: The Python face's folder in the repository (the tests run the installed package).
SOURCES = Path(__file__).parents[1] / "provider" / "pulumi_looker" / "dynamic"


def test_the_generated_modules_are_what_the_declarations_give() -> None:
    stale = [
        path.name
        for path, source in codegen.generated(SOURCES).items()
        if not path.exists() or path.read_text(encoding="utf-8") != source
    ]
    assert stale == [], "run scripts/generate-python-face"


def test_every_kind_has_a_typed_constructor_of_its_inputs_and_its_outputs() -> None:
    for kind in KINDS:
        resource = getattr(pulumi_looker, kind.name)
        parameters = inspect.signature(resource.__init__).parameters
        assert [p for p in parameters if p in kind.inputs] == list(kind.inputs)
        assert set(resource.__annotations__) == {*kind.inputs, *kind.outputs}
        assert f"{kind.name}Args" in pulumi_looker.__all__


def test_the_script_the_readme_names_writes_nothing_when_the_face_is_current() -> None:
    """`scripts/generate-python-face` (README, Development) as written: run from anywhere, it
    rewrites only what differs, so on a current tree it writes and says nothing."""
    script = SOURCES.parents[2] / "scripts" / "generate-python-face"
    result = subprocess.run([str(script)], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
