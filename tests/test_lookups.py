"""Lookups see what the same run created: the roles a client keeps are forgotten on any write
to roles, and asked again once when a lookup misses in them (a role made through another
connection)."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_looker import models
from pulumi_looker.client import LookerClient
from pulumi_looker.errors import ServerError
from pulumi_looker.settings import ConnectionSettings
from tests.support.clients import fast_retry

#: The listing of roles a client reads (every field of a role, as the Role resources read it).
ROLES = ("GET", f"/roles?fields={','.join(n for n in models.rules(models.Role) if n != 'can')}")


class RolesLooker:
    """Looker's role calls in memory, in place of a client's transport: ``GET /roles``, ``PUT
    /users/{id}/roles``, and a create (``POST /roles``) that fails with a 503 when ``failing``
    is set, after making the role (as an answer lost on its way back)."""

    def __init__(self) -> None:
        self.roles = {"2": "Admin", "3": "Developer"}
        self.sent: list[tuple[str, str]] = []
        self.failing = False

    def send(self, method: str, path: str, *, json: Any = None, authenticated: bool = True) -> Any:
        self.sent.append((method, path))
        if (method, path) == ROLES:
            return [{"id": i, "name": n} for i, n in self.roles.items()]
        if method == "PUT" and path.startswith("/users/"):  # a user's roles
            return [{"id": i, "name": self.roles[i]} for i in json]
        assert (method, path) == ("POST", "/roles")
        role_id = str(len(self.roles) + 2)
        self.roles[role_id] = json["name"]
        if self.failing:
            raise ServerError(status=503, message="busy", method=method, path=path, attempts=1)
        return {"id": role_id, "name": json["name"]}

    def close(self) -> None:
        pass


@pytest.fixture
def looker() -> RolesLooker:
    return RolesLooker()


@pytest.fixture
def client(looker: RolesLooker) -> LookerClient:
    settings = ConnectionSettings.resolve(
        base_url="https://looker.example.com", client_id="id", client_secret="secret"
    )
    client = LookerClient(settings, retry=fast_retry())
    client.transport = looker  # type: ignore[assignment]
    return client


def names(client: LookerClient, *wanted: str) -> list[str | None]:
    return [role.name for role in client.roles(wanted)]


def test_roles_are_asked_once_while_every_lookup_finds_its_role(looker, client) -> None:
    assert names(client) == ["Admin", "Developer"]
    assert names(client, "2", "developer") == ["Admin", "Developer"]
    assert looker.sent == [ROLES]


def test_a_role_created_by_this_client_is_seen_by_the_next_lookup(looker, client) -> None:
    assert names(client) == ["Admin", "Developer"]
    client.request("POST", "/roles", json={"name": "Deployer"})
    assert "Deployer" in names(client)  # no lookup miss needed: the write forgot the roles
    assert looker.sent == [ROLES, ("POST", "/roles"), ROLES]


def test_setting_a_users_roles_keeps_the_roles(looker, client) -> None:
    names(client)
    client.set_user_roles("5", ["3"])
    names(client)
    assert looker.sent == [ROLES, ("PUT", "/users/5/roles?fields=id,name")]


def test_a_create_that_failed_forgets_the_roles_too(looker, client) -> None:
    names(client)
    looker.failing = True  # Looker made the role; its answer is lost
    with pytest.raises(ServerError):
        client.request("POST", "/roles", json={"name": "Deployer"})
    assert "Deployer" in names(client)
    assert looker.sent.count(ROLES) == 2


def test_a_lookup_miss_asks_again_once(looker, client) -> None:
    names(client)
    looker.roles["9"] = "Deployer"  # made through another connection
    assert "Deployer" in names(client, "deployer")
    assert names(client, "Owner") == ["Admin", "Developer", "Deployer"]  # a miss: not asked
    assert looker.sent == [ROLES, ROLES]


def test_the_first_lookup_misses_without_asking_twice(looker, client) -> None:
    assert names(client, "Owner") == ["Admin", "Developer"]
    assert looker.sent == [ROLES]


def test_a_write_forgets_the_listings_while_another_thread_registers_one(looker, client):
    """The plugin runs operations on threads: a listing registered (another kind's first read)
    while a write goes through the kept listings is no error (it was: "dictionary changed size
    during iteration", a ModelSet's create in examples/yaml-access)."""
    names(client)
    roles = client.objects(models.ROLES).kept
    forget = roles.forget

    def forget_while_another_kind_registers() -> None:
        client.objects(models.GROUPS)  # another thread's first read of groups, meanwhile
        forget()

    roles.forget = forget_while_another_kind_registers  # type: ignore[method-assign]
    client.request("POST", "/roles", json={"name": "Deployer"})
    assert "Deployer" in names(client)
