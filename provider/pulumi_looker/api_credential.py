"""``ApiCredential``: a Looker user's API3 key as a Pulumi resource."""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    UpdateResult,
)

from . import models
from ._provider import LookerProvider, check_names, check_profile, is_unknown, set_inputs
from .errors import LookerConnectionError, LookerError, NotFoundError, ServerError

if TYPE_CHECKING:
    from .client import LookerClient

logger = logging.getLogger("pulumi_looker")

_INPUTS = ("user_id", "credentials_api3_id", "purpose", "rotation", "profile")
_READ_ONLY = models.read_only_fields(models.CreateCredentialsApi3)
_ID_PART = re.compile(r"^[A-Za-z0-9_-]+$")
_KEY_FIELDS = ("client_id", "created_at", "type", "url", "is_disabled", "purpose")


def _read_only_reason(name: str) -> str:
    return (
        f"{name} is read-only in Looker's API (CredentialsApi3.{name}): Looker sets it and "
        "ignores it in a PATCH; only purpose can be changed. Remove it from the inputs "
        "(to disable or revoke a key, delete the resource or use Looker's admin page)."
    )


def _as_id(value: Any) -> Any:
    """An id as Looker writes it: numbers (floats on Pulumi's wire) become strings."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _check_id(name: str, value: Any, *, required: bool) -> list[CheckFailure]:
    value = _as_id(value)
    if value is None:
        return (
            [CheckFailure(name, f"{name} is required (a Looker id such as '42')")]
            if required
            else []
        )
    if is_unknown(value):
        return []
    if not isinstance(value, str) or not _ID_PART.match(value):
        return [
            CheckFailure(
                name,
                f"{name} must be a Looker id of letters and digits such as '42', got {value!r}",
            )
        ]
    return []


def _check_string(name: str, value: Any) -> list[CheckFailure]:
    if value is None or is_unknown(value) or isinstance(value, str):
        return []
    return [CheckFailure(name, f"{name} must be a string, got {value!r}")]


def parse_id(id_: str) -> tuple[str, str]:
    """``"42/7"`` -> ``("42", "7")``; anything else is a clear error."""
    user_id, sep, credentials_id = str(id_).partition("/")
    if not sep or not _ID_PART.match(user_id) or not _ID_PART.match(credentials_id):
        raise LookerError(
            "an ApiCredential's id is '<user_id>/<credentials_api3_id>', for example '42/7'; "
            f"got {id_!r}"
        )
    return user_id, credentials_id


class ApiCredentialProvider(LookerProvider):
    """CRUD for ``/api/4.0/users/{user_id}/credentials_api3[/{credentials_api3_id}]``."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        read_only = [n for n, v in news.items() if n in _READ_ONLY and v is not None]
        failures = [CheckFailure(n, _read_only_reason(n)) for n in read_only]
        failures += check_names({k: v for k, v in news.items() if k not in read_only}, _INPUTS)
        failures += _check_id("user_id", news.get("user_id"), required=True)
        failures += _check_id(
            "credentials_api3_id", news.get("credentials_api3_id"), required=False
        )
        failures += _check_string("purpose", news.get("purpose"))
        failures += _check_string("rotation", news.get("rotation"))
        failures += check_profile(news.get("profile"))
        if news.get("rotation") is not None and news.get("credentials_api3_id") is not None:
            failures.append(
                CheckFailure(
                    "rotation",
                    "rotation replaces a key this resource creates; it cannot rotate an adopted "
                    "key (credentials_api3_id is set). Remove one of the two.",
                )
            )
        inputs = set_inputs(news)
        for name in ("user_id", "credentials_api3_id"):
            if name in inputs:
                inputs[name] = _as_id(inputs[name])
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old_adopted_id = olds.get("credentials_api3_id") if olds.get("adopted") else None
        replaces = [
            name
            for name, old in (
                ("user_id", olds.get("user_id")),
                ("credentials_api3_id", old_adopted_id),
                ("rotation", olds.get("rotation")),
                ("profile", olds.get("profile")),
            )
            if news.get(name) != old
        ]
        purpose_changed = "purpose" in news and news["purpose"] != olds.get("purpose")
        return DiffResult(
            changes=bool(replaces or purpose_changed),
            replaces=replaces,
            delete_before_replace=False,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = self.client(props.get("profile"))
        user_id = props["user_id"]
        if props.get("credentials_api3_id") is not None:
            return self._adopt(client, user_id, props["credentials_api3_id"], props)
        created = _create_key(client, user_id)
        key: models.CredentialsApi3 = created
        if props.get("purpose") is not None:
            try:
                key = client.update_credentials_api3(
                    user_id, created.id, {"purpose": props["purpose"]}
                )
            except LookerError as error:
                _discard(client, user_id, created.id, error)
                raise
        outs = _outputs(key, props, adopted=False, original_purpose=None)
        outs["client_secret"] = created.client_secret
        return CreateResult(f"{user_id}/{created.id}", outs)

    def _adopt(
        self, client: LookerClient, user_id: str, credentials_id: str, props: Mapping[str, Any]
    ) -> CreateResult:
        try:
            key = client.get_credentials_api3(user_id, credentials_id)
        except NotFoundError as error:
            raise LookerError(
                f"API key {credentials_id} of Looker user {user_id} does not exist "
                f"({error}). Adopting manages an existing key; leave credentials_api3_id "
                "unset to have Pulumi create one."
            ) from None
        original = key.purpose
        wanted = props.get("purpose")
        if wanted is not None and wanted != key.purpose:
            key = client.update_credentials_api3(user_id, credentials_id, {"purpose": wanted})
        return CreateResult(
            f"{user_id}/{credentials_id}",
            _outputs(key, props, adopted=True, original_purpose=original),
        )

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        user_id, credentials_id = olds["user_id"], olds["credentials_api3_id"]
        if news.get("purpose") is not None and news["purpose"] != olds.get("purpose"):
            key = self.client(news.get("profile")).update_credentials_api3(
                user_id, credentials_id, {"purpose": news["purpose"]}
            )
        else:
            key = models.from_api(models.CredentialsApi3, {**olds, "id": credentials_id})
        return UpdateResult(_carried(olds, _outputs(key, news, **_origin(olds))))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        user_id, credentials_id = parse_id(id_)
        try:
            key = self.client(props.get("profile")).get_credentials_api3(user_id, credentials_id)
        except NotFoundError:
            return ReadResult(None, {})  # deleted outside Pulumi
        importing = "adopted" not in props
        origin = {"adopted": True, "original_purpose": key.purpose} if importing else _origin(props)
        managed = importing or "purpose" in (props.get("managed_fields") or ())
        state = {
            **props,
            "user_id": user_id,
            "credentials_api3_id": credentials_id if origin["adopted"] else None,
            "purpose": key.purpose if managed else None,
        }
        outs = _carried(props, _outputs(key, state, **origin))
        outs["credentials_api3_id"] = credentials_id
        inputs = {k: state[k] for k in _INPUTS if state.get(k) is not None}
        return ReadResult(id_, outs, inputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        client = self.client(props.get("profile"))
        user_id, credentials_id = props["user_id"], props["credentials_api3_id"]
        if not props.get("adopted"):
            with contextlib.suppress(NotFoundError):  # already gone
                client.delete_credentials_api3(user_id, credentials_id)
            return
        original = props.get("original_purpose")
        if "purpose" in (props.get("managed_fields") or ()) and props.get("purpose") != original:
            client.update_credentials_api3(user_id, credentials_id, {"purpose": original})


def _origin(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "adopted": bool(props.get("adopted")),
        "original_purpose": props.get("original_purpose"),
    }


def _carried(olds: Mapping[str, Any], outs: dict[str, Any]) -> dict[str, Any]:
    """Keep the secret Looker showed only at create: it is never returned again."""
    if olds.get("client_secret") is not None:
        outs["client_secret"] = olds["client_secret"]
    return outs


def _outputs(
    key: models.CredentialsApi3,
    props: Mapping[str, Any],
    *,
    adopted: bool,
    original_purpose: str | None,
) -> dict[str, Any]:
    live = models.to_dict(key)
    return {
        "user_id": props["user_id"],
        "credentials_api3_id": key.id,
        **{name: live[name] for name in _KEY_FIELDS},
        "rotation": props.get("rotation"),
        "profile": props.get("profile"),
        "adopted": adopted,
        "original_purpose": original_purpose,
        "managed_fields": ["purpose"] if props.get("purpose") is not None else [],
    }


#: How far Looker's clock may be behind ours when looking for keys a lost create made.
CLOCK_SKEW = datetime.timedelta(minutes=2)

#: Sends of one create at most, when each failed without leaving a key behind.
CREATE_SENDS = 3


def _create_key(client: LookerClient, user_id: str) -> models.CreateCredentialsApi3:
    """POST a new key. A create is never blindly re-sent: when it fails where Looker may have
    acted (a lost answer, a 5xx), the user's keys are listed; the create is sent again only if
    it left nothing behind, and otherwise fails naming the keys it may have made."""
    for send in range(1, CREATE_SENDS + 1):
        sent_at = datetime.datetime.now(datetime.timezone.utc)
        try:
            return client.create_credentials_api3(user_id)
        except (LookerConnectionError, ServerError) as error:
            if isinstance(error, LookerConnectionError) and not error.reached_server:
                raise
            left_behind = _possible_orphans(client, user_id, sent_at)
            if left_behind is not None or send == CREATE_SENDS:
                reason = left_behind or f"Looker has no key of user {user_id} from those calls"
                raise LookerError(f"{error} (send {send} of {CREATE_SENDS}). {reason}") from None
            logger.warning("%s; Looker made no key from it, sending the create again", error)
    raise AssertionError("unreachable")


def _possible_orphans(client: LookerClient, user_id: str, sent_at: datetime.datetime) -> str | None:
    """What a failed create may have left in Looker, in words; None when surely nothing."""
    since = sent_at - CLOCK_SKEW
    try:
        keys = client.list_credentials_api3(user_id)
    except LookerError as error:
        return (
            f"Looker may have created the key anyway, and listing user {user_id}'s keys failed "
            f"({error}): look in Looker's admin page for keys of user {user_id} with no purpose "
            f"created after {since.isoformat(timespec='seconds')}"
        )
    suspects = [
        k for k in keys if k.purpose is None and k.created_at and _parse_time(k.created_at) >= since
    ]
    if not suspects:
        return None
    listed = ", ".join(f"{k.id} (created {k.created_at})" for k in suspects)
    return (
        f"Looker may have created the key anyway: key(s) {listed} of user {user_id} have no "
        "purpose and are not in Pulumi's state. If no other run made them, delete them in "
        "Looker's admin page; the next `pulumi up` creates a new key."
    )


def _parse_time(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _discard(client: LookerClient, user_id: str, credentials_id: str, cause: Exception) -> None:
    """Delete a key whose set-up failed, so that nothing is left half-made."""
    try:
        client.delete_credentials_api3(user_id, credentials_id)
    except LookerError as error:
        raise LookerError(
            f"setting up new API key {credentials_id} of user {user_id} failed ({cause}), and "
            f"deleting it again failed too ({error}); delete it in Looker's admin page"
        ) from None


@attrs.frozen
class ApiCredentialArgs:
    """The inputs of an :class:`ApiCredential`."""

    user_id: pulumi.Input[str]
    credentials_api3_id: pulumi.Input[str] | None = None
    purpose: pulumi.Input[str] | None = None
    rotation: pulumi.Input[str] | None = None
    profile: pulumi.Input[str] | None = None


class ApiCredential(Resource, module="looker", name="ApiCredential"):
    """A Looker user's API3 key (``/api/4.0/users/{user_id}/credentials_api3``).

    Two modes:

    - **create** (no ``credentials_api3_id``): Pulumi creates the key, exports its
      ``client_secret`` as a secret, and deletes it on destroy. Changing ``rotation`` (any
      string, a date for instance) replaces the key create-before-delete: the new key exists,
      and dependents get it, before the old one is deleted.
    - **adopt** (``credentials_api3_id`` set): Pulumi manages the ``purpose`` of an existing
      key and, on destroy, leaves the key in Looker with its original purpose.

    Only ``purpose`` is writable in Looker's API. The id is ``<user_id>/<credentials_api3_id>``;
    import with ``opts=ResourceOptions(import_="42/7")``.
    """

    user_id: pulumi.Output[str]
    credentials_api3_id: pulumi.Output[str]
    client_id: pulumi.Output[str]
    client_secret: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    type: pulumi.Output[str]
    url: pulumi.Output[str]
    is_disabled: pulumi.Output[bool]
    purpose: pulumi.Output[str | None]
    rotation: pulumi.Output[str | None]
    profile: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: ApiCredentialArgs | None = None,
        *,
        user_id: pulumi.Input[str] | None = None,
        credentials_api3_id: pulumi.Input[str] | None = None,
        purpose: pulumi.Input[str] | None = None,
        rotation: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if args is None:
            if user_id is None:
                raise TypeError("ApiCredential needs user_id")
            args = ApiCredentialArgs(
                user_id=user_id,
                credentials_api3_id=credentials_api3_id,
                purpose=purpose,
                rotation=rotation,
                profile=profile,
            )
        outputs = {name: None for name in (*_KEY_FIELDS, "client_secret")}
        props = {**outputs, **attrs.asdict(args)}
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["client_secret"])
        )
        super().__init__(ApiCredentialProvider(), resource_name, props, opts)
