"""How to reach a Looker instance: arguments, stack config, environment, then looker.ini."""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from .errors import SettingsError

API_VERSION = "4.0"
DEFAULT_TIMEOUT = 120.0
DEFAULT_PROFILE_SECTION = "Looker"


class ConfigSource(Protocol):
    """Anything with ``get(full_key)``: a dict of stack config, or Pulumi's dynamic ``Config``."""

    def get(self, key: str) -> Any: ...


@attrs.frozen
class _Setting:
    field: str
    config_key: str
    env_suffix: str
    ini_key: str


_SETTINGS = (
    _Setting("base_url", "baseUrl", "BASE_URL", "base_url"),
    _Setting("client_id", "clientId", "CLIENT_ID", "client_id"),
    _Setting("client_secret", "clientSecret", "CLIENT_SECRET", "client_secret"),
    _Setting("verify_ssl", "verifySsl", "VERIFY_SSL", "verify_ssl"),
    _Setting("timeout", "timeout", "TIMEOUT", "timeout"),
    _Setting("ca_bundle", "caBundle", "CA_BUNDLE", "ca_bundle"),
)
_REQUIRED = ("base_url", "client_id", "client_secret")


#: What Looker's Python SDK reads as a boolean in looker.ini and LOOKERSDK_* (and more).
_TRUE = ("true", "t", "yes", "y", "1", "on")
_FALSE = ("false", "f", "no", "n", "0", "off")


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(
        f"verify_ssl must be true or false (or {'/'.join(_TRUE + _FALSE)}), got {value!r}"
    )


def _parse_timeout(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"timeout must be a number of seconds, got {value!r}") from None
    if not 0 < seconds <= 3600:
        raise ValueError(f"timeout must be between 0 and 3600 seconds, got {value!r}")
    return seconds


def _parse_ca_bundle(value: Any) -> str | None:
    if value is None:
        return None
    path = Path(str(value)).expanduser()
    if not path.is_file():
        raise ValueError(
            f"ca_bundle must be a PEM file of CA certificates, {str(path)!r} is not a file"
        )
    return str(path)


def _parse_base_url(value: Any) -> str:
    """The instance's address: a trailing slash and ``/api/4.0`` are dropped; any other path
    into the API is an error that says what to write instead."""
    url = str(value).strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must start with http:// or https://, got {url!r}")
    url = url.removesuffix(f"/api/{API_VERSION}")
    root, api, _ = url.partition("/api/")
    if api:
        raise ValueError(
            f"base_url must be the instance's address without a path into the API, such as "
            f"{root!r}: got {url!r} (pulumi-looker adds /api/{API_VERSION} itself; Looker API "
            "3.x no longer exists)"
        )
    return url


@attrs.frozen
class ConnectionSettings:
    """How to reach one Looker instance with one API key.

    Use :meth:`resolve` to find the values; the client secret never appears in ``repr``.
    """

    base_url: str = attrs.field(converter=_parse_base_url)
    client_id: str
    client_secret: str = attrs.field(repr=False)
    api_version: str = API_VERSION
    verify_ssl: bool = attrs.field(default=True, converter=_parse_bool)
    timeout: float = attrs.field(default=DEFAULT_TIMEOUT, converter=_parse_timeout)
    #: PEM file of the CAs to trust instead of the system's (for a private CA).
    ca_bundle: str | None = attrs.field(default=None, converter=_parse_ca_bundle)
    #: Where each value came from, in words ("stack config looker:clientId"); never a value.
    sources: Mapping[str, str] = attrs.field(factory=dict, eq=False, repr=False)

    def describe_sources(self, *fields: str) -> str:
        """Where ``fields`` came from, for an error message."""
        return "; ".join(
            f"{name} from {self.sources[name]}" for name in fields if name in self.sources
        )

    @property
    def api_url(self) -> str:
        """The root of the REST API, for example ``https://looker.example.com/api/4.0``."""
        return f"{self.base_url}/api/{self.api_version}"

    @classmethod
    def resolve(
        cls,
        *,
        profile: str | None = None,
        config: ConfigSource | None = None,
        environ: Mapping[str, str] | None = None,
        **explicit: Any,
    ) -> ConnectionSettings:
        """Find each setting, first found wins: ``explicit`` arguments, stack config, environment
        variables named as Looker's SDKs name them, then the ``looker.ini`` file.

        ``profile`` picks a second instance: stack config namespace ``looker-<profile>``,
        environment prefix ``LOOKERSDK_<PROFILE>_`` and section ``[<profile>]`` of looker.ini.
        """
        unknown = set(explicit) - {s.field for s in _SETTINGS}
        if unknown:
            raise TypeError(f"unknown connection settings: {', '.join(sorted(unknown))}")
        environ = os.environ if environ is None else environ
        namespace = "looker" if profile is None else f"looker-{profile}"
        env_prefix = "LOOKERSDK_" if profile is None else f"LOOKERSDK_{_env_name(profile)}_"
        section = DEFAULT_PROFILE_SECTION if profile is None else profile
        ini_path = Path(environ.get("LOOKERSDK_INI") or "looker.ini")
        ini_section, ini = _read_ini(ini_path, section)

        found: dict[str, Any] = {}
        sources: dict[str, str] = {}
        missing: list[str] = []
        for setting in _SETTINGS:
            candidates = (
                (f"argument {setting.field}", explicit.get(setting.field)),
                (
                    f"stack config {namespace}:{setting.config_key}",
                    config.get(f"{namespace}:{setting.config_key}") if config is not None else None,
                ),
                (
                    f"environment variable {env_prefix}{setting.env_suffix}",
                    environ.get(env_prefix + setting.env_suffix),
                ),
                (f"{ini_path} [{ini_section}] {setting.ini_key}", ini.get(setting.ini_key)),
            )
            source, value = next(((w, v) for w, v in candidates if v not in (None, "")), ("", None))
            if value is not None:
                found[setting.field] = value
                sources[setting.field] = source
            elif setting.field in _REQUIRED:
                where = [w for w, _ in candidates]
                if not ini:
                    where[-1] += " (no such file or section)"
                missing.append(f"{setting.field} (tried {', '.join(where)})")
        if missing:
            label = "default" if profile is None else repr(profile)
            raise SettingsError(
                f"Looker connection settings for the {label} profile are missing: "
                + "; ".join(missing)
            )
        try:
            return cls(**found, sources=sources)
        except ValueError as error:
            raise SettingsError(f"Looker connection setting is invalid: {error}") from None


def _env_name(profile: str) -> str:
    return profile.upper().replace("-", "_")


def _read_ini(path: Path, section: str) -> tuple[str, dict[str, str]]:
    """The section of looker.ini to read, and its values (none when there is no such file or
    section)."""
    if not path.is_file():
        return section, {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as error:
        raise SettingsError(f"cannot read {path}: {error.__class__.__name__}") from None
    if not parser.has_section(section):
        # As Looker's SDK does: without a [Looker] section, the file's first section.
        sections = parser.sections()
        if section != DEFAULT_PROFILE_SECTION or not sections:
            return section, {}
        section = sections[0]
    return section, {key: value.strip().strip("\"'") for key, value in parser.items(section)}
