"""API keys: a refresh costs the pages of one listing of users, shared by every read; every
write forgets what it touched."""

from __future__ import annotations

import datetime
import logging
import threading
from collections import Counter

import pytest

from pulumi_looker import models
from pulumi_looker.api_credential import ApiCredentialProvider
from pulumi_looker.client import LookerClient, paging, users
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.errors import ServerError
from tests.support.clients import configure, program_stack, settings_for, stack_config
from tests.support.looker import api_calls, keys_path

USERS = ("GET", "/api/4.0/users")


@pytest.fixture
def looker(start_emulator) -> EmulatorProcess:
    return start_emulator("--users", "8")


@pytest.fixture
def provider(looker: EmulatorProcess) -> ApiCredentialProvider:
    provider = ApiCredentialProvider()
    configure(provider, stack_config(looker))
    return provider


def create_keys(provider: ApiCredentialProvider, users: range, per_user: int) -> list[dict]:
    """Keys made by the provider, as their stored outputs."""
    return [
        provider.create({"user_id": str(user), "purpose": f"key {n} of {user}"}).outs
        for user in users
        for n in range(per_user)
    ]


def refresh_all(provider: ApiCredentialProvider, olds: list[dict], threads: int = 4) -> list:
    """Read every key as the dynamic-provider host does: several at a time."""
    results: list = [None] * len(olds)
    chunks = [range(i, len(olds), threads) for i in range(threads)]

    def work(indexes: range) -> None:
        for i in indexes:
            outs = olds[i]
            results[i] = provider.read(f"{outs['user_id']}/{outs['credentials_api3_id']}", outs)

    workers = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return results


def new_process(provider: ApiCredentialProvider, looker: EmulatorProcess) -> ApiCredentialProvider:
    """The provider as a new pulumi run starts it: nothing read yet."""
    LookerClient.close_shared()
    looker.control.clear_requests()
    return provider


@pytest.mark.parametrize(("users", "per_user"), [(1, 1), (8, 1), (3, 5)])
def test_a_refresh_costs_one_listing_whatever_the_number_of_keys(
    looker, provider, users: int, per_user: int
) -> None:
    olds = create_keys(provider, range(2, 2 + users), per_user)
    new_process(provider, looker)
    results = refresh_all(provider, olds)
    assert api_calls(looker) == Counter({USERS: 1})
    assert [r.outs["purpose"] for r in results] == [o["purpose"] for o in olds]


def test_drift_and_deletion_are_seen_in_the_listing(looker, provider) -> None:
    first, second = create_keys(provider, range(2, 3), 2)
    with LookerClient(settings_for(looker)) as admin:  # in Looker's admin page
        admin.update_credentials_api3("2", first["credentials_api3_id"], {"purpose": "by hand"})
        admin.delete_credentials_api3("2", second["credentials_api3_id"])
    new_process(provider, looker)
    drifted, gone = refresh_all(provider, [first, second])
    assert drifted.outs["purpose"] == "by hand"
    assert drifted.outs["client_secret"] == first["client_secret"]
    assert gone.id is None
    assert api_calls(looker) == Counter({USERS: 1})


def test_a_deleted_user_takes_its_keys_with_it(looker, provider) -> None:
    [outs] = create_keys(provider, range(9, 10), 1)  # user 9: the last of 8 seeded users
    new_process(provider, looker)
    result = provider.read("99/1", {**outs, "user_id": "99"})  # no user 99
    assert result.id is None
    # The complete listing lacked user 99; its key list confirmed it is gone.
    assert api_calls(looker) == Counter({USERS: 1, ("GET", keys_path("99")): 1})


def test_a_write_makes_the_next_read_of_that_user_ask_again(looker, provider) -> None:
    two, three = create_keys(provider, range(2, 4), 1)
    new_process(provider, looker)
    refresh_all(provider, [two, three])
    provider.update("x", two, {"user_id": "2", "purpose": "changed"})
    looker.control.clear_requests()
    again = refresh_all(provider, [two, three])
    assert again[0].outs["purpose"] == f"changed [pulumi: {program_stack()}]"
    assert api_calls(looker) == Counter({("GET", keys_path("2")): 1})  # user 3: still known


def test_many_users_are_listed_in_pages(looker, provider, monkeypatch, caplog) -> None:
    caplog.set_level(logging.DEBUG, "pulumi_looker")
    monkeypatch.setattr(paging, "PAGE_SIZE", 4)  # 9 users: pages of 4, 4 and 1
    olds = create_keys(provider, range(2, 10), 1)
    new_process(provider, looker)
    refresh_all(provider, olds)
    offsets = [r["path"] for r in looker.control.requests() if (r["method"], r["path"]) == USERS]
    assert len(offsets) == 3
    assert "read the keys of 9 users in 3 page(s)" in caplog.text


def test_beyond_the_page_bound_users_are_read_one_by_one(
    looker, provider, monkeypatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG, "pulumi_looker")
    monkeypatch.setattr(paging, "PAGE_SIZE", 2)
    monkeypatch.setattr(users, "MAX_PAGES", 2)  # users 1 to 4 listed, 5 and up not
    olds = create_keys(provider, range(2, 8), 2)
    new_process(provider, looker)
    results = refresh_all(provider, olds)
    assert all(r.id for r in results)
    calls = api_calls(looker)
    assert calls[USERS] == 2
    one_by_one = {path for (method, path) in calls if path.endswith("/credentials_api3")}
    assert one_by_one == {keys_path(str(u)) for u in range(5, 8)}
    assert sum(calls.values()) == 2 + 3  # never more than one call per key (12) would make
    assert "more than 4 users: read the keys of the others user by user" in caplog.text


def test_a_refused_listing_falls_back_to_one_call_per_user(looker, provider, caplog) -> None:
    caplog.set_level(logging.DEBUG, "pulumi_looker")
    olds = create_keys(provider, range(2, 5), 3)
    new_process(provider, looker)
    looker.control.aim("error", *USERS, status=403)
    results = refresh_all(provider, olds)
    assert [r.outs["purpose"] for r in results] == [o["purpose"] for o in olds]
    assert api_calls(looker) == Counter(
        {USERS: 1, **{("GET", keys_path(str(u))): 1 for u in range(2, 5)}}
    )
    assert "listing users refused" in caplog.text
    assert "reading keys user by user" in caplog.text


class SlowCreates:
    """Looker's key calls for one user, in memory: a create makes its key at once, then waits
    for ``answer`` before answering (as an answer on its way back); the second create fails
    with a 503 where Looker may have acted."""

    def __init__(self) -> None:
        self.keys: list[models.CredentialsApi3] = []
        self.made = threading.Event()
        self.answer = threading.Event()
        self.deleted: list[str] = []
        self.sends = 0

    def create_credentials_api3(self, user_id: str) -> models.CreateCredentialsApi3:
        self.sends += 1
        if self.sends == 2:
            raise ServerError(status=503, message="busy", method="POST", path="/k", attempts=1)
        now = datetime.datetime.now(datetime.timezone.utc).isoformat()
        key = models.CreateCredentialsApi3(id=str(self.sends), created_at=now, client_secret="s")
        self.keys.append(key)
        if self.sends == 1:
            self.made.set()
            assert self.answer.wait(timeout=60)
        return key

    def list_credentials_api3(self, user_id: str) -> list[models.CredentialsApi3]:
        return list(self.keys)

    def delete_credentials_api3(self, user_id: str, credentials_id: str) -> None:
        self.deleted.append(credentials_id)
        self.keys = [k for k in self.keys if k.id != credentials_id]


def test_a_key_another_thread_is_creating_is_never_taken_for_an_orphan() -> None:
    """Thread A's create has made key 1, and its answer is on the way; thread B's create fails
    where Looker may have acted. B's clearing of orphans waits for A (key 1 has no purpose yet
    and is recent: without the wait it would be deleted), then finds nothing to delete, and B
    sends again."""
    calls = SlowCreates()
    directory = users.UserDirectory(calls)  # type: ignore[arg-type]
    results: dict[str, object] = {}
    first = threading.Thread(target=lambda: results.update(a=directory.create_key("2")))
    first.start()
    assert calls.made.wait(timeout=60)
    second = threading.Thread(target=lambda: results.update(b=directory.create_key("2")))
    second.start()
    second.join(timeout=2)
    assert second.is_alive()  # waiting for the create in flight, not clearing
    calls.answer.set()
    first.join(timeout=60)
    second.join(timeout=60)
    assert calls.deleted == []
    assert (results["a"].id, results["b"].id) == ("1", "3")  # type: ignore[attr-defined]
    assert [k.id for k in calls.keys] == ["1", "3"]
