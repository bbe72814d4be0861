"""The logic of ``ApiCredential``: a Looker user's API3 key, its typed state and its calls."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from pulumi_looker import models, ownership
from pulumi_looker.errors import (
    InvalidIdError,
    KeyNotDeletedError,
    LookerError,
    ManagedElsewhereError,
    NotFoundError,
    NotInLookerError,
    SettingsError,
    UnsupportedReleaseError,
)

from .common import (
    ID,
    Checked,
    Connections,
    Created,
    Diff,
    Failure,
    Found,
    as_id,
    check_id,
    check_kind,
    check_names,
    check_profile,
    is_unknown,
    set_inputs,
)
from .kind import (
    BOOL,
    OUT_BOOL,
    OUT_INT,
    OUT_LIST,
    OUT_STR,
    PROFILE,
    STR,
    ConfigSection,
    Export,
    Kind,
    Link,
    looker_fields,
)

if TYPE_CHECKING:
    from pulumi_looker.client import LookerClient

_READ_ONLY = models.read_only_fields(models.CreateCredentialsApi3)
#: The key's fields a resource outputs as Looker last answered them.
_KEY_FIELDS = ("client_id", "created_at", "type", "url", "is_disabled", "purpose")
#: The previous key's outputs, when rotations keep it (``keep_previous``).
PREVIOUS_OUTPUTS = (
    "previous_credentials_api3_id",
    "previous_client_id",
    "previous_created_at",
    "previous_age_days",
)


@attrs.frozen
class ApiKeyState:
    """What an ``ApiCredential`` keeps in Pulumi's state.

    ``key``: the key as Looker last answered (its purpose with the stack's marker, see
    ``pulumi_looker.ownership``; inputs and diffs use the purpose without it); ``adopted``: it
    existed before the resource (adopt mode), and ``original_purpose`` is the purpose destroy
    puts back; ``purpose_managed``: the inputs set ``purpose``; ``client_secret``: shown by
    Looker only at create, kept from then on (an adopted key has none we can know: ``""``);
    ``user_email``: the email the inputs named the user by, if they did; ``previous``: the key
    the last rotation replaced, kept until the next one when ``keep_previous`` is set.
    """

    user_id: str
    key: models.CredentialsApi3
    adopted: bool
    purpose_managed: bool
    original_purpose: str | None = None
    rotation: str | None = None
    profile: str | None = None
    client_secret: str | None = attrs.field(default=None, repr=False)
    user_email: str | None = None
    keep_previous: bool = False
    previous: models.CredentialsApi3 | None = None

    @classmethod
    def from_props(cls, props: Mapping[str, Any]) -> ApiKeyState:
        """The state stored in ``props`` (a resource's outputs)."""
        return cls(
            user_id=props["user_id"],
            key=models.from_api(
                models.CredentialsApi3, {**props, "id": props["credentials_api3_id"]}
            ),
            adopted=bool(props.get("adopted")),
            purpose_managed="purpose" in (props.get("managed_fields") or ()),
            original_purpose=props.get("original_purpose"),
            rotation=props.get("rotation"),
            profile=props.get("profile"),
            client_secret=props.get("client_secret"),
            user_email=props.get("user_email"),
            keep_previous=bool(props.get("keep_previous")),
            previous=(
                models.CredentialsApi3(
                    id=props["previous_credentials_api3_id"],
                    client_id=props.get("previous_client_id"),
                    created_at=props.get("previous_created_at"),
                )
                if props.get("previous_credentials_api3_id")
                else None
            ),
        )

    @staticmethod
    def is_state(props: Mapping[str, Any]) -> bool:
        """Whether ``props`` hold a state; an import's read gets none."""
        return "adopted" in props

    @property
    def id(self) -> str:
        return f"{self.user_id}/{self.key.id}"

    def to_outs(self) -> dict[str, Any]:
        live = models.to_dict(self.key)
        outs = {
            "user_id": self.user_id,
            "user_email": self.user_email,
            "credentials_api3_id": self.key.id,
            **{name: live[name] for name in _KEY_FIELDS},
            "rotation": self.rotation,
            "profile": self.profile,
            "adopted": self.adopted,
            "original_purpose": self.original_purpose,
            "managed_fields": ["purpose"] if self.purpose_managed else [],
            "keep_previous": self.keep_previous,
            "previous_credentials_api3_id": self.previous.id if self.previous else None,
            "previous_client_id": self.previous.client_id if self.previous else None,
            "previous_created_at": self.previous.created_at if self.previous else None,
            "previous_age_days": (
                models.age_of(self.previous.created_at).days
                if self.previous and self.previous.created_at
                else None
            ),
        }
        # Looker shows a secret only when it creates a key: an adopted key's is a known "".
        outs["client_secret"] = self.client_secret or ""
        return outs

    def inputs(self) -> dict[str, Any]:
        """The inputs that would give this state."""
        inputs = {
            "user_id": self.user_id,
            "user_email": self.user_email,
            "credentials_api3_id": self.key.id if self.adopted else None,
            "purpose": ownership.user_purpose(self.key.purpose) if self.purpose_managed else None,
            "rotation": self.rotation,
            "keep_previous": self.keep_previous or None,
            "profile": self.profile,
        }
        return {k: v for k, v in inputs.items() if v is not None}


def _has_purpose(client: LookerClient) -> bool:
    """Whether the instance's release has keys' purposes (and so the stack's marker)."""
    try:
        client.require(models.CredentialsApi3, ["purpose"])
    except UnsupportedReleaseError:
        return False
    return True


def _read_only_reason(name: str) -> str:
    return (
        f"{name} is read-only in Looker's API (CredentialsApi3.{name}): Looker sets it and "
        "ignores it in a PATCH; only purpose can be changed. Remove it from the inputs "
        "(to disable or revoke a key, delete the resource or use Looker's admin page)."
    )


def parse_id(id_: str) -> tuple[str, str]:
    """``"42/7"`` -> ``("42", "7")``; anything else is a clear error."""
    user_id, sep, credentials_id = str(id_).partition("/")
    if not sep or not ID.match(user_id) or not ID.match(credentials_id):
        raise InvalidIdError(
            "an ApiCredential's id is '<user_id>/<credentials_api3_id>', for example '42/7'; "
            f"got {id_!r}"
        )
    return user_id, credentials_id


class ApiCredentialLogic:
    """CRUD for ``/api/4.0/users/{user_id}/credentials_api3[/{credentials_api3_id}]``, over
    the client that ``connections`` gives."""

    def __init__(self, connections: Connections) -> None:
        self.connections = connections

    def check(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Checked:
        """Read-only fields, unknown names and malformed ids or values fail, with no call. The
        user is ``user_id``, or ``user_email``, which becomes the ``user_id`` of the user with
        that email. A key that is new or moves to another user (or adopts another key) must name
        a user (and key) Looker has, and may not adopt a key whose purpose carries another
        stack's marker (see ``pulumi_looker.ownership``). Both come from the one listing of
        users, shared with the refresh's (so a refreshing preview makes no call of its own)."""
        read_only = [n for n, v in news.items() if n in _READ_ONLY and v is not None]
        failures = [(n, _read_only_reason(n)) for n in read_only]
        failures += check_names(
            {k: v for k, v in news.items() if k not in read_only}, API_CREDENTIAL.inputs
        )
        email = news.get("user_email")
        if email is not None and news.get("user_id") is not None:
            failures.append(("user_email", "give user_id or user_email, not both"))
        failures += check_kind("user_email", email, str)
        failures += check_id("user_id", news.get("user_id"), required=email is None)
        failures += check_id("credentials_api3_id", news.get("credentials_api3_id"), required=False)
        purpose = news.get("purpose")
        if not is_unknown(purpose):
            failures += models.check_values(models.CredentialsApi3, {"purpose": purpose})
        failures += check_kind("rotation", news.get("rotation"), str)
        failures += check_kind("keep_previous", news.get("keep_previous"), bool)
        failures += check_profile(news.get("profile"))
        for name in ("rotation", "keep_previous"):
            if news.get(name) is not None and news.get("credentials_api3_id") is not None:
                failures.append(
                    (
                        name,
                        f"{name} is about the keys this resource creates; it cannot rotate an "
                        "adopted key (credentials_api3_id is set). Remove one of the two.",
                    )
                )
        inputs = set_inputs(news)
        for name in ("user_id", "credentials_api3_id"):
            if name in inputs:
                inputs[name] = as_id(inputs[name])
        if isinstance(email, str) and not is_unknown(email) and not failures:
            found = self._user_by_email(olds, inputs)
            failures += [found] if isinstance(found, tuple) else []
            if isinstance(found, str):
                inputs["user_id"] = found
        moved = any(
            inputs.get(name) != as_id(olds.get(name)) for name in ("user_id", "credentials_api3_id")
        )
        if moved and not failures:
            failures += self._check_existence(inputs)
        return Checked(inputs, failures)

    def _user_by_email(self, olds: Mapping[str, Any], inputs: Mapping[str, Any]) -> str | Failure:
        """The id of the user ``inputs`` name by email: the one the state has for the same
        email (no call), else from the listing of users; a failure when Looker has no such
        user or no connection is set."""
        email = str(inputs["user_email"])
        if olds.get("user_email") == email and isinstance(olds.get("user_id"), str):
            return str(olds["user_id"])
        try:
            user_id = self.connections.client(inputs.get("profile")).users.user_id_of(email)
        except SettingsError as error:
            return (
                "user_email",
                f"user_email {email!r}: finding the user needs a connection ({error})",
            )
        if user_id is None:
            return (
                "user_email",
                f"user_email {email!r}: Looker has no user with this email (the listing of "
                "every user lacks it)",
            )
        return user_id

    def _check_existence(self, inputs: Mapping[str, Any]) -> list[Failure]:
        """An unknown user or adopted key named by a new or moved key. Without a connection
        nothing is said here: the call that needs one says what is missing."""
        user_id, key_id = inputs.get("user_id"), inputs.get("credentials_api3_id")
        if not isinstance(user_id, str) or is_unknown(user_id):
            return []
        try:
            users = self.connections.client(inputs.get("profile")).users
        except SettingsError:
            return []
        if users.lacks_user(user_id):
            return [
                (
                    "user_id",
                    f"user_id {user_id!r}: Looker has no user {user_id} (the listing of every "
                    "user lacks it)",
                )
            ]
        if not isinstance(key_id, str) or is_unknown(key_id):
            return []
        key = users.key(user_id, key_id)
        if key is None:
            return [
                (
                    "credentials_api3_id",
                    f"credentials_api3_id {key_id!r}: user {user_id} has no API key {key_id} in "
                    "Looker; leave credentials_api3_id unset to have Pulumi create a key",
                )
            ]
        owner = ownership.split_purpose(key.purpose)[1]
        if owner is not None and owner != self.connections.stack:
            return [("credentials_api3_id", ownership.key_refusal(user_id, key_id, owner))]
        return []

    def diff(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> Diff:
        """Another user, adopted key or profile replaces the key (create before delete), and so
        does another rotation, unless ``keep_previous``: then the rotation is an update that
        keeps the replaced key. A managed purpose that differs from the live one (both without
        the stack's marker) is an update,
        and so is another email for the same user or another ``keep_previous`` (no call)."""
        old = ApiKeyState.from_props(olds)
        overlap = bool(news.get("keep_previous"))
        compared = [
            ("user_id", old.user_id),
            ("credentials_api3_id", old.key.id if old.adopted else None),
            ("profile", old.profile),
        ]
        if not overlap:
            compared.append(("rotation", old.rotation))
        replaces = tuple(name for name, value in compared if news.get(name) != value)
        live_purpose = ownership.user_purpose(old.key.purpose)
        purpose_changed = "purpose" in news and news["purpose"] != live_purpose
        if purpose_changed and not is_unknown(news["purpose"]):
            # At preview already: an instance older than the purpose field refuses it.
            client = self.connections.client(news.get("profile"))
            client.require(models.CredentialsApi3, ["purpose"])
        changed = {
            "purpose": purpose_changed,
            "user_email": news.get("user_email") != old.user_email,
            "rotation": overlap and news.get("rotation") != old.rotation,
            "keep_previous": overlap != old.keep_previous,
        }
        updates = tuple(name for name, differs in changed.items() if differs)
        return Diff(updates=updates, replaces=replaces)

    def create(self, props: Mapping[str, Any]) -> Created:
        """Create mode: one POST, then one PATCH when ``purpose`` is set. If the PATCH fails the
        new key is deleted again, or, when Looker cannot be reached to delete it, kept with no
        purpose for the next update to set. Adopt mode: the key from the listing of users'
        keys, and a PATCH only when the purpose (with the stack's marker) differs. Where the
        release has purposes, a key's purpose carries the stack's marker: a new key without a
        purpose gets a PATCH for the marker alone."""
        client = self.connections.client(props.get("profile"))
        stack = self.connections.stack
        if props.get("credentials_api3_id") is not None:
            state = self._adopt(client, props, stack)
        else:
            key, secret = self._new_key(client, props["user_id"], props.get("purpose"), stack)
            state = ApiKeyState(
                user_id=props["user_id"],
                key=key,
                adopted=False,
                purpose_managed=props.get("purpose") is not None,
                rotation=props.get("rotation"),
                profile=props.get("profile"),
                client_secret=secret,
                user_email=props.get("user_email"),
                keep_previous=bool(props.get("keep_previous")),
            )
        return Created(state.id, state.to_outs())

    @staticmethod
    def _new_key(
        client: LookerClient, user_id: str, purpose: str | None, stack: str | None
    ) -> tuple[models.CredentialsApi3, str | None]:
        """A new key of ``user_id`` with ``purpose`` (if set), and its secret; its purpose
        carries ``stack``'s marker where the instance's release has purposes."""
        if purpose is not None:  # before the POST: nothing half-made
            client.require(models.CredentialsApi3, ["purpose"])
        try:
            created = client.users.create_key(user_id)
        except NotFoundError as error:
            raise NotInLookerError(
                f"user_id {user_id!r}: Looker has no user {user_id}, or this connection "
                f"cannot see it ({error})"
            ) from None
        key: models.CredentialsApi3 = created
        marker = stack if stack and _has_purpose(client) else None
        written = ownership.marked_purpose(purpose, marker)
        if written is not None:
            try:
                key = client.users.set_purpose(user_id, created.id, written)
            except LookerError:
                # A key whose id we know is deleted, or kept in the state with the purpose it
                # really has (so the next `pulumi up` sets it); never left behind unseen.
                if client.users.discard_key(user_id, created.id):
                    raise
        return key, created.client_secret

    def _adopt(
        self, client: LookerClient, props: Mapping[str, Any], stack: str | None
    ) -> ApiKeyState:
        """The key as the listing has it, its purpose (the one given, else its own) marked
        with ``stack``'s marker: one PATCH when that differs. A key another stack's marker
        claims is refused (check said so at preview already)."""
        user_id, credentials_id = props["user_id"], props["credentials_api3_id"]
        key = client.users.key(user_id, credentials_id)
        if key is None:
            raise NotInLookerError(
                f"API key {credentials_id} of Looker user {user_id} does not exist (Looker's "
                f"list of user {user_id}'s keys lacks it). Adopting manages an existing key; "
                "leave credentials_api3_id unset to have Pulumi create one."
            )
        owner = ownership.split_purpose(key.purpose)[1]
        if owner is not None and owner != stack:
            raise ManagedElsewhereError(ownership.key_refusal(user_id, credentials_id, owner))
        original = ownership.user_purpose(key.purpose)  # as it is without this stack's mark
        wanted = props.get("purpose")
        marker = stack if stack and _has_purpose(client) else None
        written = ownership.marked_purpose(key.purpose if wanted is None else wanted, marker)
        if written != key.purpose:
            key = client.users.set_purpose(user_id, credentials_id, written)
        return ApiKeyState(
            user_id=user_id,
            key=key,
            adopted=True,
            purpose_managed=wanted is not None,
            original_purpose=original,
            profile=props.get("profile"),
            user_email=props.get("user_email"),
        )

    def update(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """A rotation that keeps the previous key: the key before it (if any) is deleted, a new
        key is made (POST, and PATCH for its purpose), and the current one becomes the previous.
        Without ``keep_previous`` a kept previous key is deleted. Otherwise one PATCH when the
        managed purpose changed, and no call at all for another email of the same user."""
        old = ApiKeyState.from_props(olds)
        client = self.connections.client(news.get("profile"))
        key, secret, previous = old.key, old.client_secret, old.previous
        overlap = bool(news.get("keep_previous"))
        rotate = overlap and news.get("rotation") != old.rotation
        if previous is not None and (rotate or not overlap):
            self._delete_key(client, old.user_id, previous.id)
            previous = None
        stack = self.connections.stack
        if rotate:
            previous = key
            key, secret = self._new_key(client, old.user_id, news.get("purpose"), stack)
        elif news.get("purpose") is not None and news["purpose"] != ownership.user_purpose(
            key.purpose
        ):
            written = ownership.marked_purpose(news["purpose"], stack)
            key = client.users.set_purpose(old.user_id, key.id, written)
        state = attrs.evolve(
            old,
            key=key,
            client_secret=secret,
            previous=previous,
            keep_previous=overlap,
            rotation=news.get("rotation"),
            purpose_managed=news.get("purpose") is not None,
            profile=news.get("profile"),
            user_email=news.get("user_email"),
        )
        return state.to_outs()

    def read(self, id_: str, props: Mapping[str, Any]) -> Found:
        """Looks the key up in the process's one listing of users' keys (see ``client.users``). A
        refresh reports drift in the purpose and keeps the secret; a key deleted outside Pulumi is
        gone from the state (a kept previous key likewise); an import adopts the key with its
        purpose, and one Looker lacks is refused. After a rotation that kept the previous key,
        the current key is the state's (the id stays the first key's: Pulumi changes an id only
        on replacement)."""
        user_id, credentials_id = parse_id(id_)
        client = self.connections.client(props.get("profile"))
        if ApiKeyState.is_state(props):
            old = ApiKeyState.from_props(props)
            key = client.users.key(user_id, old.key.id)
            if key is None:
                return Found(None)  # Looker confirms it is gone
            previous = old.previous and client.users.key(user_id, old.previous.id)
            state = attrs.evolve(old, user_id=user_id, key=key, previous=previous or None)
        else:
            key = client.users.key(user_id, credentials_id)
            if key is None:
                lacking = f" (no user {user_id})" if client.users.lacks_user(user_id) else ""
                raise NotInLookerError(
                    f"Looker has no API key {credentials_id} for user {user_id}{lacking}"
                )
            state = ApiKeyState(
                user_id=user_id,
                key=key,
                adopted=True,
                purpose_managed=True,
                original_purpose=key.purpose,
                profile=props.get("profile"),
            )
        return Found(id_, state.to_outs(), state.inputs())

    def delete(self, props: Mapping[str, Any]) -> None:
        """Create mode: DELETE (the kept previous key too); a 404 counts as done only when
        Looker's key list confirms the key is gone. Adopt mode: the key stays, with its original
        purpose put back if the resource changed it (the stack's marker taken off if that is all
        it added)."""
        state = ApiKeyState.from_props(props)
        client = self.connections.client(state.profile)
        if not state.adopted:
            self._delete_key(client, state.user_id, state.key.id)
            if state.previous is not None:
                self._delete_key(client, state.user_id, state.previous.id)
            return
        text, owner = ownership.split_purpose(state.key.purpose)
        if state.purpose_managed and state.key.purpose != state.original_purpose:
            client.users.set_purpose(state.user_id, state.key.id, state.original_purpose)
        elif owner is not None and owner == self.connections.stack:  # only the marker added
            client.users.set_purpose(state.user_id, state.key.id, text)

    @staticmethod
    def _delete_key(client: LookerClient, user_id: str, key_id: str) -> None:
        try:
            client.users.delete_key(user_id, key_id)
        except NotFoundError as error:
            # Gone already, or hidden from this connection: only Looker's list can tell.
            if client.users.key(user_id, key_id) is not None:
                raise KeyNotDeletedError(
                    f"{error}, yet Looker still lists key {key_id} of user {user_id}: this "
                    "connection may lack the permission to delete it. The key stays in "
                    "Pulumi's state."
                ) from None


def overdue_key(state: Mapping[str, Any], max_age: datetime.timedelta) -> str | None:
    """A key the stack created that is older than ``keyMaxAgeDays``: say so, and how to rotate
    it. Not an error: the key works until someone rotates it."""
    created = state.get("created_at")
    if state.get("adopted") is not False or not isinstance(created, str):
        return None
    age = models.age_of(created)
    if age <= max_age:
        return None
    return (
        f"API key {state.get('credentials_api3_id')} of user {state.get('user_id')} was "
        f"created {age.days} days ago (looker:keyMaxAgeDays is {max_age.days}): change its "
        "rotation to replace it"
    )


API_CREDENTIAL = Kind(
    name="ApiCredential",
    description="A Looker user's API3 key: created (and rotated), or adopted by id.",
    doc="""A Looker user's API3 key (``/api/4.0/users/{user_id}/credentials_api3``).

Two modes:

- **create** (no ``credentials_api3_id``): Pulumi creates the key, exports its
  ``client_secret`` as a secret, and deletes it on destroy. Changing ``rotation`` (any
  string, a date for instance) replaces the key create-before-delete: the new key exists,
  and dependents get it, before the old one is deleted. With ``keep_previous`` the old key
  stays until the next rotation (two-key rotation): its id, client id and age are the
  ``previous_*`` outputs, and the resource's id stays the first key's.
- **adopt** (``credentials_api3_id`` set): Pulumi manages the ``purpose`` of an existing
  key and, on destroy, leaves the key in Looker with its original purpose.

The user is ``user_id``, or ``user_email`` (found in the listing of users a refresh reads
anyway). Only ``purpose`` is writable in Looker's API. The id is
``<user_id>/<credentials_api3_id>``.
Pulumi cannot import it on the Python face (``import_`` is refused): adopt it by
``credentials_api3_id``.""",
    logic=ApiCredentialLogic,
    inputs={
        "user_id": STR,
        "user_email": STR,
        "credentials_api3_id": STR,
        **looker_fields(models.CredentialsApi3, writable=True),
        "rotation": STR,
        "keep_previous": BOOL,
        **PROFILE,
    },
    outputs={
        **looker_fields(models.CreateCredentialsApi3, writable=False),
        "adopted": OUT_BOOL,
        "original_purpose": OUT_STR,
        "managed_fields": OUT_LIST,
        "previous_credentials_api3_id": OUT_STR,
        "previous_client_id": OUT_STR,
        "previous_created_at": OUT_STR,
        "previous_age_days": OUT_INT,
    },
    config=ConfigSection(
        "apiCredentials",
        exports=(
            Export("clientIds", ("client_id",)),
            Export("clientSecrets", ("client_secret",), secret=True, unless="credentials_api3_id"),
        ),
        links={
            "serviceAccount": Link(
                "ServiceAccount", "user_id", "user_id", instead_of=("user_id", "user_email")
            )
        },
    ),
    module="api_credential",
    import_id="USER_ID/CREDENTIALS_API3_ID",
    secrets=("client_secret",),
    # A rotation replaces the key, unless keep_previous: the logic's diff says which.
    replace_on_changes=("user_id", "credentials_api3_id"),
    adopted_by="credentials_api3_id",
    new_on_replace=("credentials_api3_id", "client_id", "client_secret"),
    warning=overdue_key,
    example={"user_id": "2", "purpose": "CI deploy bot"},
)
KINDS = (API_CREDENTIAL,)
