"""The user directory (``client.users``): each user's groups and roles come with the one
listing, and a service account whose create's answer was lost is never confused with one this
client is making."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pulumi_looker import models
from pulumi_looker.client.users import UserDirectory
from pulumi_looker.errors import ServerError
from tests.support.looker import API, api_calls

USERS = ("GET", f"{API}/users")


def test_a_users_roles_come_with_the_listing(emulator, client) -> None:
    client.set_user_roles("1", ["2", "3"])
    emulator.control.clear_requests()
    user = client.users.user("1")
    assert user is not None
    assert user.role_ids == ["2", "3"]
    assert client.users.user_id_of("looker.admin@example.com") == "1"
    assert api_calls(emulator) == Counter({USERS: 1})


class Accounts:
    """Looker's user listing and service-account create in memory: the first create makes
    account 10 (``name``) at once, then waits for ``answer`` before answering (an answer on its
    way back); the second fails with a 503, having made nothing."""

    def __init__(self) -> None:
        self.users: list[dict[str, Any]] = [{"id": "1", "email": "admin@example.com"}]
        self.queries: list[dict[str, list[str]]] = []
        self.sends = 0
        self.made = threading.Event()
        self.refused = threading.Event()
        self.answer = threading.Event()

    def request(self, method: str, path: str, **_: Any) -> Any:
        assert (method, urlsplit(path).path) == ("GET", "/users")
        self.queries.append(parse_qs(urlsplit(path).query))
        return list(self.users)

    def create_service_account(self, values: dict[str, Any]) -> models.ServiceAccount:
        self.sends += 1
        if self.sends == 2:
            self.refused.set()
            raise ServerError(status=503, message="busy", method="POST", path="/s", attempts=1)
        account = {
            "id": "10",
            "is_service_account": True,
            "service_account_name": values["service_account_name"],
            "group_ids": ["7"],
            "role_ids": [],
        }
        self.users.append(account)
        self.made.set()
        assert self.answer.wait(timeout=60)
        return models.from_api(models.ServiceAccount, account)


def test_the_listing_asks_for_each_users_groups_and_roles() -> None:
    looker = Accounts()
    looker.users[0] |= {"group_ids": ["7", "8"], "role_ids": ["2"]}
    user = UserDirectory(looker).user("1")  # type: ignore[arg-type]
    assert user is not None
    assert (user.group_ids, user.role_ids) == (["7", "8"], ["2"])
    [query] = looker.queries
    assert {"group_ids", "role_ids", "credentials_api3"} <= set(query["fields"][0].split(","))


def test_an_account_another_thread_is_creating_is_never_taken_for_a_lost_one() -> None:
    """Thread A's create has made account 10 ("bot"), and its answer is on the way; thread B's
    create of another "bot" fails with a 503 where Looker may have acted. B's look waits for A
    (account 10 is new and named "bot": without the wait B would take it), then finds nothing
    of its own, and B's error stands; account 10 is A's alone."""
    looker = Accounts()
    directory = UserDirectory(looker)  # type: ignore[arg-type]
    results: dict[str, Any] = {}

    def create(who: str) -> None:
        try:
            results[who] = directory.create_service_account({"service_account_name": "bot"})
        except ServerError as error:
            results[who] = error

    first = threading.Thread(target=create, args=("a",))
    first.start()
    assert looker.made.wait(timeout=60)
    second = threading.Thread(target=create, args=("b",))
    second.start()
    assert looker.refused.wait(timeout=60)
    second.join(timeout=2)
    assert second.is_alive()  # waiting for the create in flight, not looking
    looker.answer.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert results["a"].id == "10"
    assert isinstance(results["b"], ServerError)
    assert looker.sends == 2
    user = directory.user("10")
    assert user is not None
    assert user.service_account == results["a"]
