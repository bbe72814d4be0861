"""A copy of this repository's sources, as a fresh clone has them (no virtualenv, no build)."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: What a working copy has that is no source.
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".work",
    "build",
    "dist",
    "__pycache__",
    "*.egg-info",
    ".*_cache",
    ".hypothesis",
)


def copy_clone(destination: Path) -> Path:
    """The repository's sources in ``destination``."""
    shutil.copytree(ROOT, destination, ignore=NOT_SOURCE)
    return destination
