"""Each resource's logic, once: check, diff, create, read, update and delete, the calls each
makes and the typed state it keeps, with each kind's declaration (``kind.Kind``). The faces
(``dynamic``, ``plugin``) adapt it to Pulumi.

``KINDS`` is every kind that a module of this package declares in its own ``KINDS``: a new
module with a ``KINDS`` is served by both faces, stack config, ``adopt`` and ``plan``.
"""

from __future__ import annotations

import importlib
import pkgutil

from .kind import Kind


def _declared() -> tuple[Kind, ...]:
    kinds: list[Kind] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        kinds += getattr(importlib.import_module(f"{__name__}.{module.name}"), "KINDS", ())
    return tuple(kinds)


#: Every kind, in the order of their modules' names, then of each module's ``KINDS``.
KINDS: tuple[Kind, ...] = _declared()
#: Each kind by its type name (``PasswordConfig``).
BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}


def kind_of(resource_type: str) -> Kind | None:
    """The kind of a type token of either face (``looker:index:ApiCredential``,
    ``pulumi-python:dynamic/looker:ApiCredential``); None for anything else."""
    for prefix in ("looker:index:", "pulumi-python:dynamic/looker:"):
        if resource_type.startswith(prefix):
            return BY_NAME.get(resource_type[len(prefix) :])
    return None
