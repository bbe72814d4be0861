"""What ``pulumi-looker adopt --from-terraform`` takes from a Terraform state: each resource
instance of a Terraform provider for Looker as the object of this project's kinds it manages,
or why it is skipped; then each object as Looker has it, named after Terraform's resource.

The providers (their resource types and attributes from their sources; README "Coming from
Terraform" has the table):

- ``hirosassa/looker``: numeric ids, a connection by its name, an attribute's value for a user
  ``"<user_id>:<attribute_id>"`` and for a group ``"<group_id>:<attribute_id>"``; its group
  memberships are authoritative.
- ``devoteamgcloud/looker``, and its fork ``zendesk/looker`` (which adds ``looker_setting`` and
  ``looker_api_credentials``): a group's members, a role's groups and an attribute's group
  values have the constant id ``"-"`` and say what they are of in their attributes; the first
  two are additive. Role ids are JSON numbers.

Reading Looker: one listing per kind (as a refresh reads them), one read of each attribute's
group values and of each user's own values. Nothing is written.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from pulumi_looker.errors import LookerError
from pulumi_looker.resources import BY_NAME, Kind
from pulumi_looker.resources.collection import SECRETS_IN_LOOKER
from pulumi_looker.resources.kind import Link

from .adopt import OneClient
from .stack_file import Held, holds
from .terraform_state import TerraformResource

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient


@attrs.frozen
class Claim:
    """One object of a kind of ours that a Terraform resource instance manages."""

    kind: str
    #: The object's id as the kind's import id has it (``7``, ``42/7``, ``warehouse``).
    looker_id: str
    address: str
    #: For an additive set of members: each input (``user_ids``) with the members Terraform
    #: manages; None: every member Looker has.
    members: Mapping[str, tuple[str, ...]] | None = None
    authoritative: bool = False
    #: Write-only inputs with the values the state holds (a connection's ``password``).
    secrets: Mapping[str, str] = attrs.field(factory=dict, repr=False)
    #: What the state holds that Looker cannot be told (said, not written).
    notes: tuple[str, ...] = ()
    #: False for a part of an object another resource names better (a user's roles).
    names_it: bool = True
    #: The group values the state holds, ``(group_id, value)`` each.
    values: tuple[tuple[str, str], ...] = ()
    #: Secrets the state holds that no input takes (a key's ``client_secret``): kept in the
    #: stack's config, encrypted, for whoever reads them there.
    kept: Mapping[str, str] = attrs.field(factory=dict, repr=False)


@attrs.frozen
class Skipped:
    address: str
    reason: str


#: How a resource type becomes a claim: its claim, or why it is skipped.
Taker = Callable[[TerraformResource], Claim | str]


def _id(value: Any) -> str:
    """An id as this project writes them: a string (old states and devoteam hold numbers)."""
    return str(value) if value is not None else ""


def _object(kind: str, attribute: str = "id") -> Taker:
    def take(resource: TerraformResource) -> Claim | str:
        looker_id = _id(resource.attributes.get(attribute))
        if not looker_id:
            return f"its {attribute} is empty: the state holds no object"
        return Claim(kind, looker_id, resource.address)

    return take


def _connection(certificate_digest: bool) -> Taker:
    """A connection by its name, with the password (and certificate, unless the provider keeps
    only its digest) the state holds."""

    def take(resource: TerraformResource) -> Claim | str:
        attributes = resource.attributes
        name = _id(attributes.get("name") or attributes.get("id"))
        if not name:
            return "its name is empty: the state holds no connection"
        secrets = {"password": attributes.get("password")}
        notes: tuple[str, ...] = ()
        if certificate_digest:
            if attributes.get("certificate"):
                notes = (
                    "its certificate is kept as Looker has it: the state holds only its "
                    "SHA-256 digest",
                )
        else:
            secrets["certificate"] = attributes.get("certificate")
        taken = {k: str(v) for k, v in secrets.items() if v}
        return Claim("Connection", name, resource.address, secrets=taken, notes=notes)

    return take


def _ids(values: Any, key: str | None = None) -> tuple[str, ...]:
    """Ids from a set of strings (``user_ids``) or of blocks (``user [{id}]``)."""
    items = values or ()
    return tuple(_id(v.get(key) if key and isinstance(v, dict) else v) for v in items)


def _hirosassa_membership(resource: TerraformResource) -> Claim | str:
    group = _id(resource.attributes.get("target_group_id"))
    if not group:  # before v0.7.0: one user of one group, "<group_id>:<user_id>"
        group, _, user = _id(resource.attributes.get("id")).partition(":")
        if not (group and user):
            return "no target_group_id: the state holds no group"
        return Claim("GroupMembership", group, resource.address, {"user_ids": (user,)})
    return Claim("GroupMembership", group, resource.address, authoritative=True)


def _role_groups(key: str | None) -> Taker:
    """A role's groups: ``group_ids`` (hirosassa, which replaces the role's groups) or
    ``group [{id}]`` blocks (devoteam, which adds). Ours declares the groups additively either
    way: authoritative, a RoleAssignment would own the role's users too, which Terraform did
    not."""

    def take(resource: TerraformResource) -> Claim | str:
        role = _id(resource.attributes.get("role_id"))
        if not role:
            return "no role_id: the state holds no role"
        groups = _ids(resource.attributes.get("group_ids" if key is None else "group"), key)
        notes = (
            ("declared additive: authoritative, a RoleAssignment owns the role's users too",)
            if key is None
            else ()
        )
        return Claim("RoleAssignment", role, resource.address, {"group_ids": groups}, notes=notes)

    return take


def _devoteam_member(resource: TerraformResource) -> Claim | str:
    group = _id(resource.attributes.get("target_group_id"))
    if not group:
        return "no target_group_id: the state holds no group"
    members = {
        "user_ids": _ids(resource.attributes.get("user"), "id"),
        "group_ids": _ids(resource.attributes.get("group"), "id"),
    }
    return Claim("GroupMembership", group, resource.address, members)


def _user_roles(resource: TerraformResource) -> Claim | str:
    user = _id(resource.attributes.get("user_id") or resource.attributes.get("id"))
    if not user:
        return "no user_id: the state holds no user"
    return Claim("User", user, resource.address, names_it=False)


def _user_value(resource: TerraformResource) -> Claim | str:
    user = _id(resource.attributes.get("user_id"))
    attribute = _id(resource.attributes.get("user_attribute_id"))
    if not (user and attribute):
        user, _, attribute = _id(resource.attributes.get("id")).partition(":")
    if not (user and attribute):
        return "no user_id and user_attribute_id: the state holds no value"
    return Claim("UserAttributeUserValue", f"{user}/{attribute}", resource.address)


def _group_value(resource: TerraformResource) -> Claim | str:
    attribute = _id(resource.attributes.get("user_attribute_id"))
    if not attribute:
        attribute = _id(resource.attributes.get("id")).partition(":")[2]
    if not attribute:
        return "no user_attribute_id: the state holds no attribute"
    group = _id(resource.attributes.get("group_id")) or _id(resource.attributes.get("id"))
    value = ((group.partition(":")[0], str(resource.attributes.get("value") or "")),)
    return Claim(
        "UserAttributeGroupValues", attribute, resource.address, names_it=False, values=value
    )


def _attribute_members(resource: TerraformResource) -> Claim | str:
    attribute = _id(resource.attributes.get("user_attribute_id"))
    if not attribute:
        return "no user_attribute_id: the state holds no attribute"
    values = tuple(
        (_id(block.get("id")), str(block.get("value") or ""))
        for block in resource.attributes.get("group") or ()
        if isinstance(block, dict)
    )
    return Claim("UserAttributeGroupValues", attribute, resource.address, values=values)


def _api_credentials(resource: TerraformResource) -> Claim | str:
    user, key = _id(resource.attributes.get("user_id")), _id(resource.attributes.get("id"))
    if not (user and key) or user == "0":
        return "no user_id: the state holds no user (an imported key's is 0)"
    secret = resource.attributes.get("client_secret")
    kept = {"client_secret": str(secret)} if secret else {}
    return Claim("ApiCredential", f"{user}/{key}", resource.address, kept=kept)


def _setting(resource: TerraformResource) -> Claim | str:
    return Claim("InstanceSettings", "setting", resource.address)


def _not_ours(what: str) -> str:
    return f"{what}: pulumi-looker does not manage it (yet)"


#: Each provider's resource types: how each becomes claims, or why it is skipped.
_SHARED: dict[str, Taker | str] = {
    "looker_permission_set": _object("PermissionSet"),
    "looker_model_set": _object("ModelSet"),
    "looker_group": _object("Group"),
    "looker_role": _object("Role"),
    "looker_user": _object("User"),
    "looker_user_attribute": _object("UserAttribute"),
    "looker_lookml_model": _not_ours("a LookML model"),
    "looker_folder": _not_ours("a folder"),
}
HIROSASSA: dict[str, Taker | str] = {
    **_SHARED,
    "looker_group_membership": _hirosassa_membership,
    "looker_role_groups": _role_groups(None),
    "looker_user_roles": _user_roles,
    "looker_user_attribute_user_value": _user_value,
    "looker_user_attribute_group_value": _group_value,
    "looker_connection": _connection(certificate_digest=True),
    "looker_service_account": _object("ServiceAccount"),
    "looker_content_metadata_access": _not_ours("access to content"),
}
DEVOTEAM: dict[str, Taker | str] = {
    **_SHARED,
    "looker_group_member": _devoteam_member,
    "looker_role_groups": _role_groups("id"),
    "looker_role_member": _role_groups("id"),  # its name before 2022-08
    "looker_user_attribute_member": _attribute_members,
    "looker_connection": _connection(certificate_digest=False),
    "looker_project": _not_ours("a LookML project"),
    "looker_project_git_deploy_key": _not_ours("a project's deploy key"),
    "looker_project_git_repo": _not_ours("a project's git repository"),
    "looker_color_collection": _not_ours("a color collection"),
    "looker_alert": _not_ours("an alert"),
    "looker_theme": _not_ours("a theme"),
}
ZENDESK: dict[str, Taker | str] = {
    **DEVOTEAM,
    "looker_setting": _setting,
    "looker_api_credentials": _api_credentials,
}
#: The providers by their registry source (namespace/type, any registry host).
PROVIDERS: dict[str, dict[str, Taker | str]] = {
    "hirosassa/looker": HIROSASSA,
    "devoteamgcloud/looker": DEVOTEAM,
    "zendesk/looker": ZENDESK,
}


@attrs.frozen
class Taken:
    claims: tuple[Claim, ...]
    skipped: tuple[Skipped, ...]


def claims(resources: Iterable[TerraformResource]) -> Taken:
    """Each resource's claim, or why it is skipped (a Looker provider this does not read, a
    type we do not manage, an instance that holds no object); other providers' are left out."""
    found: list[Claim] = []
    skipped = []
    for resource in resources:
        types = PROVIDERS.get(resource.provider)
        if types is None:
            if resource.type.startswith("looker_"):
                known = ", ".join(PROVIDERS)
                why = f"provider {resource.provider!r} is none of those this reads ({known})"
                skipped.append(Skipped(resource.address, why))
            continue  # another provider's resource: not Looker's
        taker = types.get(resource.type)
        if taker is None:
            taker = _not_ours(f"a {resource.type} of {resource.provider}")
        answer = taker if isinstance(taker, str) else taker(resource)
        if isinstance(answer, str):
            skipped.append(Skipped(resource.address, answer))
        else:
            found.append(answer)
    return Taken(tuple(found), tuple(skipped))


@attrs.frozen
class Adopted:
    """One object of ours as Looker has it: its kind, id, resource name (Terraform's), the
    inputs that declare it as it is (snake_case) and the Terraform resources it takes over."""

    kind: Kind
    looker_id: str
    name: str
    #: With the state's secrets among them: never in a repr.
    inputs: dict[str, Any] = attrs.field(repr=False)
    addresses: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: The inputs that hold the state's secrets (a connection's ``password``).
    secrets: tuple[str, ...] = ()
    #: The state's secrets that no input takes (see :attr:`Claim.kept`).
    kept: Mapping[str, str] = attrs.field(factory=dict, repr=False)

    @property
    def import_id(self) -> str:
        return import_id(self.kind, self.looker_id)


_PLACEHOLDER = re.compile(r"[A-Z][A-Z0-9_]*(?:/[A-Z][A-Z0-9_]*)*$")


def import_id(kind: Kind, looker_id: str) -> str:
    """The id ``pulumi import`` takes for an object of ``kind`` (``group/7``,
    ``user_attribute_user_value/42/7``): the kind's documented form with the id in it."""
    return _PLACEHOLDER.sub(looker_id, kind.import_id, count=1)


@attrs.frozen
class Adoption:
    adopted: tuple[Adopted, ...]
    skipped: tuple[Skipped, ...]


def adopt(client: LookerClient, taken: Taken, addresses: Mapping[str, str]) -> Adoption:
    """Each claimed object read from Looker as an import reads it (one listing per kind);
    claims of one object become one (the members of each added together). ``addresses`` names
    each resource (address -> name). An object Looker lacks is skipped, naming it."""
    merged: dict[tuple[str, str], list[Claim]] = {}
    for claim in taken.claims:
        merged.setdefault((claim.kind, claim.looker_id), []).append(claim)
    adopted, skipped = [], list(taken.skipped)
    connections = OneClient(client)
    used: dict[str, set[str]] = {}
    for (kind_name, looker_id), group in merged.items():
        kind = BY_NAME[kind_name]
        first = next((c for c in group if c.names_it), group[0])
        where = tuple(c.address for c in group)
        try:
            found = kind.logic(connections).read(import_id(kind, looker_id), {})
        except LookerError as error:
            skipped += [Skipped(a, f"{error} (nothing was adopted)") for a in where]
            continue
        inputs, notes = _as_claimed(kind, dict(found.inputs), group)
        if kind.adopted_by is not None:
            inputs[kind.adopted_by] = looker_id.rpartition("/")[2]
        taken_names = used.setdefault(kind_name, set())
        name = _unique(addresses[first.address], taken_names)
        secrets = tuple(sorted({k for c in group for k in c.secrets}))
        kept = {k: v for c in group for k, v in c.kept.items()}
        adopted.append(Adopted(kind, looker_id, name, inputs, where, notes, secrets, kept))
    return Adoption(tuple(adopted), tuple(skipped))


def _as_claimed(
    kind: Kind, inputs: dict[str, Any], group: Sequence[Claim]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The inputs read, as the Terraform resources managed the object: additive members only
    those Terraform has that Looker still has, write-only secrets from the state."""
    notes = [n for c in group for n in c.notes]
    sets = [c.members for c in group if c.members is not None]
    if any(c.authoritative for c in group):
        inputs["authoritative"] = True
    elif sets:
        for name in {n for members in sets for n in members}:
            wanted = [m for members in sets for m in members.get(name, ())]
            live = list(inputs.get(name) or ())
            gone = [m for m in wanted if m not in live]
            if gone:
                notes.append(f"{name}: Looker no longer has {', '.join(gone)} in it; left out")
            inputs[name] = [m for m in live if m in wanted]
        member_sets = {link.input for link in kind.config.links.values() if link.many}
        unclaimed = {n for n in member_sets if n in inputs} - {
            n for members in sets for n in members
        }
        for name in unclaimed:
            del inputs[name]
        inputs = {k: v for k, v in inputs.items() if v != []}
    notes += _values_as_claimed(inputs, [v for c in group for v in c.values])
    secrets = {k: v for c in group for k, v in c.secrets.items()}
    if secrets:
        inputs.update(secrets)
        inputs[SECRETS_IN_LOOKER] = True
    return inputs, tuple(notes)


def _values_as_claimed(inputs: dict[str, Any], claimed: Sequence[tuple[str, str]]) -> list[str]:
    """Each group value the state holds that Looker has not (said), and a hidden attribute's
    values, which Looker never answers, from the state. Values are never printed."""
    live = {str(v.get("group_id")): v for v in inputs.get("values") or ()}
    notes = []
    for group, value in claimed:
        found = live.get(group)
        if found is None:
            notes.append(f"values: Looker gives group {group} no value of it any more; left out")
        elif found.get("value") is None:
            found["value"] = value  # hidden: Looker never answers it
        elif found.get("value") != value:
            notes.append(f"values: group {group}'s value is another in Looker; Looker's kept")
    return notes


def _unique(name: str, taken: set[str]) -> str:
    unique, number = name, 2
    while unique in taken:
        unique, number = f"{name}-{number}", number + 1
    taken.add(unique)
    return unique


def resource_name(resource: TerraformResource) -> str:
    """The name Pulumi gives the resource: Terraform's, with its modules and index
    (``module.team.looker_group.eng["eu"]`` -> ``team-eng-eu``)."""
    prefix, _, index = resource.address.partition(f"{resource.type}.{resource.name}")
    modules = re.findall(r"module\.([^.\[]+)(?:\[([^\]]*)\])?", prefix)
    parts = [p for module in modules for p in module if p]
    parts += [resource.name, index]
    text = "-".join(re.sub(r"[^A-Za-z0-9_]+", "-", p).strip("-") for p in parts)
    return re.sub(r"-+", "-", text).strip("-") or resource.type


def linked(adoption: Adoption) -> list[tuple[Adopted, dict[str, Any]]]:
    """Each object's stack-config entry (camelCase, without its name): an id of an object
    that is adopted too becomes its entry's name (``permissionSet: analysts`` instead of
    ``permissionSetId: "7"``), as the kind's links allow; a list links only when each of its
    ids does."""
    names = {(a.kind.name, a.looker_id): a.name for a in adoption.adopted}
    entries = []
    for item in adoption.adopted:
        spelling = {n: k for k, n in item.kind.config_keys.items()}
        inputs = dict(item.inputs)
        entry: dict[str, Any] = {}
        for key, link in item.kind.config.links.items():
            if link.within is not None:
                parts = inputs.get(link.within)
                if isinstance(parts, list):
                    inputs[link.within] = [_linked_part(p, key, link, names) for p in parts]
                continue
            value = inputs.get(link.input)
            ids = value if link.many and isinstance(value, list) else [value]
            targets = [names.get((link.kind, str(i))) for i in ids] if value is not None else []
            if targets and None not in targets:
                entry[key] = targets if link.many else targets[0]
                for name in link.instead_of:
                    inputs.pop(name, None)
        entries.append((item, {**{spelling[n]: v for n, v in inputs.items()}, **entry}))
    return entries


def _linked_part(part: Any, key: str, link: Link, names: Mapping[tuple[str, str], str]) -> Any:
    """An item of a list input whose id names an adopted object: that entry's name instead
    (``{group: finance, value: eu}``)."""
    if not isinstance(part, dict):
        return part
    target = names.get((link.kind, str(part.get(link.input))))
    if target is None:
        return part
    rest = {k: v for k, v in part.items() if k != link.input}
    return {key: target, **rest}


def state_rm(adoption: Adoption) -> list[str]:
    """The ``terraform state rm`` line of each resource adopted: Terraform forgets it and
    leaves the object in Looker."""
    return [
        f"terraform state rm {shlex.quote(address)}"
        for item in adoption.adopted
        for address in item.addresses
    ]


def import_document(adoption: Adoption, held: Iterable[Held]) -> dict[str, Any]:
    """The adopted objects as a ``pulumi import --file`` document for a stack of the provider
    plugin, named after Terraform's resources, but those the stack ``held`` already."""
    held = set(held)
    return {
        "resources": [
            {"type": item.kind.token, "name": item.name, "id": item.import_id}
            for item in adoption.adopted
            if not holds(held, item.kind, item.import_id, item.looker_id)
        ]
    }


def secret_key(namespace: str, item: Adopted, name: str) -> str:
    """The config key of a secret the state held, set apart: ``proj:warehousePassword`` (a
    plugin stack's inputs), ``proj:etlClientSecret`` (kept)."""
    words = re.split(r"[^A-Za-z0-9]+", f"{item.name} {name}")
    first, *rest = [w for w in words if w]
    tail = "".join(w[0].upper() + w[1:] for w in rest)
    return f"{namespace}:{first[0].lower()}{first[1:]}{tail}"


@attrs.frozen
class Merged:
    """What :func:`merge` added: each section entry (``proj:groups analysts``), and each
    secret to set encrypted: its config path and its value."""

    added: tuple[str, ...]
    secrets: tuple[tuple[str, str], ...]
    notes: tuple[str, ...]


def merge(config: Any, namespace: str, adoption: Adoption, profile: str | None) -> Merged:
    """Add each adopted object to ``config`` (a stack file's map): a singleton's section, or
    an entry of its kind's list by the Terraform name, unless the stack declares it already
    (a section, or an entry of that name: left as it is). Secrets are left out of the entries:
    they are set encrypted, by path (``proj:connections[0].password``)."""
    added, secrets, notes = [], [], []
    extra = {"profile": profile} if profile else {}
    for item, entry in linked(adoption):
        kind = item.kind
        key = f"{namespace}:{kind.config.key}"
        secret = {k: entry.pop(k) for k in list(entry) if kind.config_keys.get(k) in item.secrets}
        if not kind.config.many:
            if key in config:
                notes.append(f"{key}: the stack declares it already; left as it is")
                continue
            config[key] = {**entry, **extra}
            added.append(key)
            secrets += [(f"{key}.{k}", str(v)) for k, v in secret.items()]
            continue
        if key not in config:
            config[key] = []
        listed = config[key]
        if any(isinstance(e, dict) and e.get("name") == item.name for e in listed):
            notes.append(f"{key} {item.name}: the stack declares it already; left as it is")
            continue
        listed.append({"name": item.name, **entry, **extra})
        added.append(f"{key} {item.name}")
        secrets += [(f"{key}[{len(listed) - 1}].{k}", str(v)) for k, v in secret.items()]
    return Merged(tuple(added), tuple(secrets), tuple(notes))
