"""The stack config of the project's program, as the kinds declare it (``Kind.config``).

The program (``dynamic.stack_program``), ``pulumi-looker adopt``, the tests and the benchmarks
all spell stack config through this module. Each kind has one section: an object of settings
(a singleton: ``passwordPolicy``) or a list of entries, each with its ``name`` (``apiCredentials``).
"""

from __future__ import annotations

from .resources import KINDS, Kind
from .resources.kind import camel_case, snake_case

__all__ = ["SECTIONS", "camel_case", "section", "snake_case"]

#: Each kind by its section's key, in the order the program declares them: a kind whose
#: entries link to another kind's come after it.
SECTIONS: dict[str, Kind] = {}


def _declare_in_order() -> None:
    pending = list(KINDS)
    while pending:
        ready = [
            k
            for k in pending
            if all(link.kind not in {p.name for p in pending} for link in k.config.links.values())
        ]
        if not ready:
            raise RuntimeError(f"links between {[k.name for k in pending]} form a circle")
        for kind in ready:
            SECTIONS[kind.config.key] = kind
            pending.remove(kind)


_declare_in_order()


def section(kind_name: str) -> str:
    """The config key of a kind (``passwordPolicy`` for ``PasswordConfig``)."""
    return next(key for key, kind in SECTIONS.items() if kind.name == kind_name)
