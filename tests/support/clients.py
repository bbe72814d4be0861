"""Connection settings, clients and providers wired to an emulator, as tests and benchmarks
need them."""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config

from pulumi_looker.client import LookerClient
from pulumi_looker.client.retry import RetryPolicy
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.settings import ConnectionSettings

ADMIN_CLIENT_ID = "AdminClientId0000001"
ADMIN_CLIENT_SECRET = "AdminSecret-do-not-leak-0001"
#: The admin client ids that the stack files name (stacks/Pulumi.dev.yaml, prod).
DEV_CLIENT_ID = "DevAdminClientId0001"
PROD_CLIENT_ID = "ProdAdminClientId001"


class RecordedSleeps(list[float]):
    """A retry policy's ``sleep`` that records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fast_retry(**bounds: Any) -> RetryPolicy:
    """The retry policy with waits recorded rather than slept, and 4 tries."""
    return RetryPolicy(
        **{"max_attempts": 4, "max_elapsed": 20, **bounds, "sleep": RecordedSleeps()}
    )


def settings_for(emulator: EmulatorProcess, **overrides: object) -> ConnectionSettings:
    values = {
        "base_url": emulator.url,
        "client_id": ADMIN_CLIENT_ID,
        "client_secret": ADMIN_CLIENT_SECRET,
        **overrides,
    }
    return ConnectionSettings.resolve(**values)


def admin_client(emulator: EmulatorProcess, client_id: str = DEV_CLIENT_ID) -> LookerClient:
    """Looker's admin, acting outside Pulumi (in the admin page, say)."""
    return LookerClient(settings_for(emulator, client_id=client_id))


def stack_config(emulator: EmulatorProcess, namespace: str = "looker") -> dict[str, str]:
    """Stack config as the dynamic provider host hands it to ``configure``."""
    return {
        f"{namespace}:baseUrl": emulator.url,
        f"{namespace}:clientId": ADMIN_CLIENT_ID,
        f"{namespace}:clientSecret": ADMIN_CLIENT_SECRET,
    }


def configure(provider: Any, config: dict[str, str]) -> None:
    provider.configure(ConfigureRequest(Config(raw_config=config, project_name="test")))


def provider_for(cls: type, emulator: EmulatorProcess, key: Any = None) -> Any:
    """A provider of ``cls`` configured for ``emulator``: as its admin, or with ``key`` (an
    API key of another user)."""
    provider = cls()
    config = stack_config(emulator)
    if key is not None:
        config |= {"looker:clientId": key.client_id, "looker:clientSecret": key.client_secret}
    configure(provider, config)
    return provider


def created_singleton(provider: Any, **inputs: object) -> dict:
    """A singleton resource created through check then create, as the engine does."""
    checked = provider.check({}, {"restore_on_delete": False, **inputs})
    assert checked.failures == []
    return provider.create(checked.inputs).outs


def program_stack() -> str:
    """The stack a dynamic provider made now names (``pulumi_looker.ownership``): Pulumi's
    settings of this process, which another test's mocks may have set."""
    return f"{pulumi.get_project()}/{pulumi.get_stack()}"
