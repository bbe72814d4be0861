"""``PasswordConfig``: Looker's instance-wide password policy as a Pulumi resource."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from ._provider import (
    LookerProvider,
    check_bool,
    check_names,
    check_profile,
    is_unknown,
    set_inputs,
)
from .errors import LookerError

#: The id of the one password policy of an instance.
PASSWORD_CONFIG_ID = "password_config"

#: The settings a resource can manage: every writable field of Looker's PasswordConfig.
SETTINGS = models.writable_fields(models.PasswordConfig)
_OPTIONS = ("restore_on_delete", "profile")
_INPUTS = (*SETTINGS, *_OPTIONS)


class PasswordConfigProvider(LookerProvider):
    """CRUD for ``/api/4.0/password_config``."""

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = check_names(news, _INPUTS)
        known = {k: v for k, v in news.items() if not is_unknown(v)}
        failures += [
            CheckFailure(f, r) for f, r in models.check_values(models.PasswordConfig, known)
        ]
        failures += check_bool("restore_on_delete", news.get("restore_on_delete"))
        failures += check_profile(news.get("profile"))
        return CheckResult(set_inputs(news), failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [
            name
            for name in _INPUTS
            if name in news and news[name] != olds.get(name) and name != "profile"
        ]
        replaces = ["profile"] if news.get("profile") != olds.get("profile") else []
        return DiffResult(changes=bool(changed or replaces), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = self.client(props.get("profile"))
        before = client.get_password_config()
        # Only what differs is written: adopting a policy that already matches writes nothing.
        wanted = {k: v for k, v in _managed(props).items() if getattr(before, k) != v}
        after = _apply(client, wanted) if wanted else before
        initial = {name: getattr(before, name) for name in SETTINGS}
        return CreateResult(PASSWORD_CONFIG_ID, _outputs(after, props, initial))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        changes = {k: v for k, v in _managed(news).items() if olds.get(k) != v}
        if changes:
            live = _apply(self.client(news.get("profile")), changes)
        else:
            live = models.from_api(models.PasswordConfig, olds)
        return UpdateResult(_outputs(live, news, olds.get("initial_config") or {}))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if id_ != PASSWORD_CONFIG_ID:
            raise LookerError(
                f"a PasswordConfig's id is always {PASSWORD_CONFIG_ID!r} (there is one policy "
                f"per Looker instance), got {id_!r}"
            )
        live = self.client(props.get("profile")).get_password_config()
        managed = props.get("managed_fields")
        if managed is None:  # import: adopt every live setting
            managed = list(SETTINGS)
            props = {**props, **{name: getattr(live, name) for name in SETTINGS}}
        initial = props.get("initial_config") or {n: getattr(live, n) for n in SETTINGS}
        outs = _outputs(live, {**{n: props.get(n) for n in managed}, **_options(props)}, initial)
        inputs = {name: getattr(live, name) for name in managed if getattr(live, name) is not None}
        inputs.update({k: v for k, v in _options(props).items() if v is not None})
        return ReadResult(id_, outs, inputs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        initial = props.get("initial_config") or {}
        restore = {
            name: initial[name]
            for name in props.get("managed_fields") or ()
            if initial.get(name) is not None
        }
        if props.get("restore_on_delete") and restore:
            self.client(props.get("profile")).update_password_config(restore)


def _managed(props: Mapping[str, Any]) -> dict[str, Any]:
    """The settings the user set, as Looker takes them."""
    return models.writable_body(
        models.PasswordConfig, {n: props[n] for n in SETTINGS if props.get(n) is not None}
    )


def _options(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "restore_on_delete": bool(props.get("restore_on_delete")),
        "profile": props.get("profile"),
    }


def _apply(client: Any, wanted: Mapping[str, Any]) -> models.PasswordConfig:
    """PATCH ``wanted`` and make sure Looker took every value."""
    live = client.update_password_config(wanted)
    refused = {k: (v, getattr(live, k)) for k, v in wanted.items() if getattr(live, k) != v}
    if refused:
        detail = ", ".join(f"{k} (asked {w!r}, Looker has {g!r})" for k, (w, g) in refused.items())
        raise LookerError(f"Looker did not apply every password setting: {detail}")
    return live


def _outputs(
    live: models.PasswordConfig, props: Mapping[str, Any], initial: Mapping[str, Any]
) -> dict[str, Any]:
    values = models.to_dict(live)
    values.pop("can", None)
    return {
        **values,
        **_options(props),
        "managed_fields": sorted(_managed(props)),
        "initial_config": dict(initial),
    }


@attrs.frozen
class PasswordConfigArgs:
    """The inputs of a :class:`PasswordConfig`; ``None`` leaves a setting unmanaged."""

    min_length: pulumi.Input[int] | None = None
    require_numeric: pulumi.Input[bool] | None = None
    require_upperlower: pulumi.Input[bool] | None = None
    require_special: pulumi.Input[bool] | None = None
    expiration_enabled: pulumi.Input[bool] | None = None
    expiration_duration_days: pulumi.Input[int] | None = None
    restore_on_delete: pulumi.Input[bool] = False
    profile: pulumi.Input[str] | None = None


class PasswordConfig(Resource, module="looker", name="PasswordConfig"):
    """Looker's instance-wide password policy (``/api/4.0/password_config``).

    Only the settings you give are managed; the others keep whatever value Looker has. The
    policy is a singleton, so its id is always ``password_config`` and one stack should declare
    at most one ``PasswordConfig`` per Looker instance.

    On ``destroy`` the live policy is left as it is (weakening it is not a safe default); with
    ``restore_on_delete=True`` the values read when the resource was created are put back.
    ``profile`` picks a second Looker instance from the stack config namespace
    ``looker-<profile>``. Import with ``opts=ResourceOptions(import_="password_config")``.
    """

    min_length: pulumi.Output[int]
    require_numeric: pulumi.Output[bool]
    require_upperlower: pulumi.Output[bool]
    require_special: pulumi.Output[bool]
    expiration_enabled: pulumi.Output[bool]
    expiration_duration_days: pulumi.Output[int]
    policy_enabled_at: pulumi.Output[str | None]
    restore_on_delete: pulumi.Output[bool]
    profile: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        args: PasswordConfigArgs | None = None,
        *,
        min_length: pulumi.Input[int] | None = None,
        require_numeric: pulumi.Input[bool] | None = None,
        require_upperlower: pulumi.Input[bool] | None = None,
        require_special: pulumi.Input[bool] | None = None,
        expiration_enabled: pulumi.Input[bool] | None = None,
        expiration_duration_days: pulumi.Input[int] | None = None,
        restore_on_delete: pulumi.Input[bool] = False,
        profile: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if args is None:
            args = PasswordConfigArgs(
                min_length=min_length,
                require_numeric=require_numeric,
                require_upperlower=require_upperlower,
                require_special=require_special,
                expiration_enabled=expiration_enabled,
                expiration_duration_days=expiration_duration_days,
                restore_on_delete=restore_on_delete,
                profile=profile,
            )
        props = {**attrs.asdict(args), "policy_enabled_at": None}
        super().__init__(PasswordConfigProvider(), resource_name, props, opts)
