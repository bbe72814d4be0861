"""Which stack manages a Looker object, written where Looker lets us and read back cheaply.

A stack is named ``<project>/<stack>``, as its resources' URNs name it
(``urn:pulumi:<stack>::<project>::...``): the one name of a deployment that both faces have (the
provider plugin from each request's URN, the dynamic providers from the program's
``pulumi.get_project()`` and ``pulumi.get_stack()``).

Two markers, both in fields Looker's API description lets any admin write:

- An API key's ``purpose`` (Looker 25.14+, user text of no stated length) ends with
  ``[pulumi: <project>/<stack>]``; the user's purpose stays readable before it, and every
  comparison (diff, refresh, adopt) is of the purpose without it. Read with the listing of users'
  keys that every refresh reads anyway: no call of its own.
- The settings singletons (password and session policies, instance settings) have no free-text
  field. The string user attribute ``pulumi_looker_owners``, hidden from users, holds
  ``<singleton id>=<project>/<stack>`` for each managed singleton, ``;``-separated: one
  ``GET /user_attributes`` per process, asked only when a singleton is new to the stack or about
  to change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: The user attribute that says which stack manages each singleton.
OWNERS_ATTRIBUTE = "pulumi_looker_owners"
OWNERS_LABEL = "pulumi-looker: the stack managing each setting"
_PURPOSE_MARK = re.compile(r"^(?P<text>.*?)\s*\[pulumi: (?P<stack>[^\]\s]+)\]$", re.DOTALL)
_STACK = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")


def stack_of_urn(urn: str) -> str | None:
    """``urn:pulumi:dev::looker::type::name`` -> ``"looker/dev"``; None for anything else."""
    parts = str(urn).split("::")
    if len(parts) < 2 or not parts[0].startswith("urn:pulumi:"):
        return None
    stack = f"{parts[1]}/{parts[0].removeprefix('urn:pulumi:')}"
    return stack if _STACK.match(stack) else None


def split_purpose(purpose: str | None) -> tuple[str | None, str | None]:
    """A key's live purpose as ``(the user's purpose, the stack its marker names)``:
    ``"dbt [pulumi: looker/dev]"`` -> ``("dbt", "looker/dev")``; a purpose that is only the
    marker is no purpose of the user's (None)."""
    if not isinstance(purpose, str):  # None, or a value Looker will refuse as it is
        return purpose, None
    found = _PURPOSE_MARK.match(purpose)
    if found is None:
        return purpose, None
    return found["text"] or None, found["stack"]


def user_purpose(purpose: str | None) -> str | None:
    """The purpose without its marker."""
    return split_purpose(purpose)[0]


def marked_purpose(purpose: str | None, stack: str | None) -> str | None:
    """The purpose to write for ``stack``: the user's text, then the marker (None: no stack
    known, the purpose as it is)."""
    text = user_purpose(purpose)
    if stack is None or not isinstance(text, str | None):
        return text
    return f"{text} [pulumi: {stack}]" if text else f"[pulumi: {stack}]"


def parse_owners(text: str | None) -> dict[str, str]:
    """``"password_config=looker/dev;setting=infra/prod"`` -> ``{id: stack}``; entries of
    another shape (a hand edit) are ignored."""
    owners = {}
    for entry in (text or "").split(";"):
        object_id, sep, stack = entry.strip().partition("=")
        if sep and object_id.strip() and _STACK.match(stack.strip()):
            owners[object_id.strip()] = stack.strip()
    return owners


def format_owners(owners: Mapping[str, str]) -> str:
    """The attribute's value for ``owners`` (sorted: the same owners, the same text)."""
    return ";".join(f"{object_id}={stack}" for object_id, stack in sorted(owners.items()))


def singleton_refusal(label: str, owner: str, stack: str | None) -> str:
    """Why a stack may not take over a singleton another stack manages, and what to do."""
    this = f"stack {stack}" if stack else "this stack"
    return (
        f"the {label} of this Looker instance is managed by stack {owner} (user attribute "
        f"{OWNERS_ATTRIBUTE}); {this} would undo its settings at each update. Manage it in one "
        f"stack: remove it from {this} (or from {owner}), or set takeover: true here to make "
        f"{this} its manager from now on"
    )


def key_refusal(user_id: str, key_id: str, owner: str) -> str:
    """Why a stack may not adopt a key another stack manages, and what to do."""
    return (
        f"credentials_api3_id {key_id!r}: API key {key_id} of user {user_id} is managed by stack "
        f"{owner} (its purpose ends with [pulumi: {owner}]). Manage a key in one stack: remove "
        f"it there (destroying an adopted key leaves it in Looker with its purpose as before), "
        "then adopt it here"
    )
