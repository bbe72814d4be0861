"""The part of Looker's OpenAPI description the project uses, kept in the repository.

``looker-4.0.json`` is written by ``scripts/extract-spec`` from ``spec/Looker.4.0.oas.json`` of
looker-open-source/sdk-codegen; its ``info`` says which API version and Looker release.
"""

from pathlib import Path

SPEC = Path(__file__).with_name("looker-4.0.json")
