"""ApiCredential's provider handlers against the emulator, with the calls they made."""

from __future__ import annotations

import datetime
import logging
from collections import Counter

import pytest
from pulumi.runtime.rpc import UNKNOWN

from pulumi_looker import models, ownership
from pulumi_looker.api_credential import ApiCredentialProvider
from pulumi_looker.client import LookerClient
from pulumi_looker.client.users import UserDirectory
from pulumi_looker.emulator.process import EmulatorProcess
from pulumi_looker.errors import (
    ConflictError,
    InvalidInputError,
    LookerError,
    PermissionDeniedError,
    ServerError,
    ValidationError,
)
from tests.support.clients import (
    ADMIN_CLIENT_SECRET,
    configure,
    program_stack,
    provider_for,
    stack_config,
)
from tests.support.looker import LOGIN, VERSIONS, api_calls, keys_of_user, keys_path, statuses

KEYS = keys_path("2")
USERS = ("GET", "/api/4.0/users")


def marked(purpose: str | None) -> str | None:
    """A purpose as this stack writes it: with its marker."""
    return ownership.marked_purpose(purpose, program_stack())


def key_path(credentials_id: str) -> str:
    return keys_path("2", credentials_id)


@pytest.fixture
def provider(emulator: EmulatorProcess) -> ApiCredentialProvider:
    provider = ApiCredentialProvider()
    configure(provider, stack_config(emulator))
    return provider


@pytest.fixture
def existing(client: LookerClient, emulator: EmulatorProcess) -> str:
    """A key made in Looker's admin page, before Pulumi; its purpose is 'made by hand'."""
    key = client.create_credentials_api3("2")
    client.update_credentials_api3("2", key.id, {"purpose": "made by hand"})
    emulator.control.clear_requests()
    return key.id


def checked(provider: ApiCredentialProvider, **inputs: object) -> dict:
    """The inputs as check gives them (as for a resource that exists: the existence check of
    a new key, which reads the listing of users, is tested on its own)."""
    result = provider.check(inputs, inputs)
    assert result.failures == []
    return result.inputs


def test_create_mode_posts_then_sets_purpose(emulator, provider) -> None:
    result = provider.create(checked(provider, user_id="2", purpose="CI deploy bot"))
    credentials_id = result.outs["credentials_api3_id"]
    assert api_calls(emulator) == Counter(
        {("POST", KEYS): 1, ("PATCH", key_path(credentials_id)): 1}
    )
    assert result.id == f"2/{credentials_id}"
    outs = result.outs
    assert outs["purpose"] == marked("CI deploy bot")
    assert outs["adopted"] is False
    assert len(outs["client_secret"]) == 24
    assert {k: outs[k] for k in ("type", "is_disabled")} == {"type": "api3", "is_disabled": False}
    [live] = [k for k in emulator.control.state()["credentials_api3"] if k["id"] == credentials_id]
    assert (live["user_id"], live["purpose"], live["client_id"]) == (
        "2",
        marked("CI deploy bot"),
        outs["client_id"],
    )


def test_create_without_purpose_posts_then_marks_it(emulator, provider) -> None:
    outs = provider.create(checked(provider, user_id=2)).outs
    assert api_calls(emulator) == Counter(
        {("POST", KEYS): 1, ("PATCH", key_path(outs["credentials_api3_id"])): 1}
    )
    assert outs["purpose"] == f"[pulumi: {program_stack()}]"
    assert provider.diff("x", outs, {"user_id": "2"}).changes is False


def test_failed_set_up_deletes_the_new_key(emulator, provider) -> None:
    with pytest.raises(InvalidInputError, match="purpose must be a string"):
        provider.create({"user_id": "2", "purpose": 7})  # as if check had been skipped
    assert [(m, p.rsplit("/", 1)[0]) for (m, p) in api_calls(emulator)] == [
        ("POST", "/api/4.0/users/2"),
        ("DELETE", KEYS),
    ]
    assert [k for k in emulator.control.state()["credentials_api3"] if k["user_id"] == "2"] == []


def test_adopt_reads_and_patches_only_a_different_purpose(emulator, provider, existing) -> None:
    same = provider.create(
        checked(provider, user_id="2", credentials_api3_id=existing, purpose="made by hand")
    )
    # The one listing of users' keys, and the stack's marker added to the purpose.
    assert api_calls(emulator) == Counter({USERS: 1, ("PATCH", key_path(existing)): 1})
    assert same.outs["purpose"] == marked("made by hand")
    assert provider.diff("x", same.outs, {**same.outs, "purpose": "made by hand"}).changes is False
    emulator.control.clear_requests()
    changed = provider.create(
        checked(provider, user_id="2", credentials_api3_id=existing, purpose="dbt cloud")
    )
    # The marker's PATCH made the next read of user 2's keys ask again.
    assert api_calls(emulator) == Counter({("GET", KEYS): 1, ("PATCH", key_path(existing)): 1})
    assert same.id == changed.id == f"2/{existing}"
    assert changed.outs["adopted"] is True
    assert changed.outs["original_purpose"] == "made by hand"
    assert changed.outs["client_secret"] == ""  # Looker shows no secret of an existing key


def test_adopting_a_missing_key_says_so(emulator, provider) -> None:
    with pytest.raises(LookerError, match="API key 77 of Looker user 2 does not exist"):
        provider.create(checked(provider, user_id="2", credentials_api3_id="77"))
    assert emulator.control.writes() == []


def test_check_rejects_bad_and_read_only_inputs_without_calls(emulator, provider) -> None:
    result = provider.check(
        {},
        {
            "user_id": "4/2",
            "credentials_api3_id": True,
            "purpose": 5,
            "is_disabled": True,
            "client_secret": "x",
            "purpos": "typo",
        },
    )
    reasons = {f.property: f.reason for f in result.failures}
    assert set(reasons) == {
        "user_id",
        "credentials_api3_id",
        "purpose",
        "is_disabled",
        "client_secret",
        "purpos",
    }
    assert reasons["is_disabled"].startswith(
        "is_disabled is read-only in Looker's API (CredentialsApi3.is_disabled)"
    )
    assert "delete the resource or use Looker's admin page" in reasons["is_disabled"]
    assert "did you mean 'purpose'" in reasons["purpos"]
    assert (
        reasons["user_id"]
        == "user_id must be a Looker id of letters and digits such as '42', got '4/2'"
    )
    missing = provider.check({}, {"purpose": "x"})
    assert [f.reason for f in missing.failures] == [
        "user_id is required (a Looker id such as '42')"
    ]
    rotate_adopted = provider.check(
        {}, {"user_id": "2", "credentials_api3_id": "3", "rotation": "2026-01"}
    )
    assert [f.property for f in rotate_adopted.failures] == ["rotation"]
    assert emulator.control.requests() == []


def test_diff_rules(emulator, provider) -> None:
    olds = provider.create(checked(provider, user_id="2", purpose="a", rotation="r1")).outs
    emulator.control.clear_requests()
    same = {"user_id": "2", "purpose": "a", "rotation": "r1"}
    assert provider.diff("x", olds, same).changes is False
    assert (
        provider.diff("x", olds, {"user_id": "2", "rotation": "r1"}).changes is False
    )  # purpose unset
    purpose = provider.diff("x", olds, {**same, "purpose": "b"})
    assert (purpose.changes, purpose.replaces) == (True, [])
    rotated = provider.diff("x", olds, {**same, "rotation": "r2"})
    assert (rotated.replaces, rotated.delete_before_replace) == (["rotation"], False)
    assert provider.diff("x", olds, {**same, "user_id": "3"}).replaces == ["user_id"]
    assert provider.diff("x", olds, {**same, "credentials_api3_id": "9"}).replaces == [
        "credentials_api3_id"
    ]
    assert provider.diff("x", olds, {**same, "purpose": UNKNOWN}).changes is True
    assert emulator.control.requests() == []


def test_update_patches_purpose_and_keeps_the_secret(emulator, provider) -> None:
    olds = provider.create(checked(provider, user_id="2", purpose="a")).outs
    emulator.control.clear_requests()
    outs = provider.update("x", olds, {"user_id": "2", "purpose": "b"}).outs
    assert api_calls(emulator) == Counter({("PATCH", key_path(olds["credentials_api3_id"])): 1})
    assert [r["body"] for r in emulator.control.requests() if r["method"] == "PATCH"] == [
        {"purpose": marked("b")}
    ]
    assert outs["purpose"] == marked("b")
    assert outs["client_secret"] == olds["client_secret"]


def test_refresh_keeps_secret_and_reports_drift(emulator, provider, client) -> None:
    olds = provider.create(checked(provider, user_id="2", purpose="a")).outs
    credentials_id = olds["credentials_api3_id"]
    client.update_credentials_api3("2", credentials_id, {"purpose": "changed by hand"})
    emulator.control.clear_requests()
    result = provider.read(f"2/{credentials_id}", olds)
    assert api_calls(emulator) == Counter({USERS: 1})
    assert result.outs["client_secret"] == olds["client_secret"]
    assert result.outs["purpose"] == "changed by hand"
    assert result.inputs == {"user_id": "2", "purpose": "changed by hand"}


def test_an_unmanaged_purpose_stays_unmanaged_across_refreshes(emulator, provider, client) -> None:
    olds = provider.create(checked(provider, user_id="2")).outs  # no purpose given
    key_id = olds["credentials_api3_id"]
    client.update_credentials_api3("2", key_id, {"purpose": "set in Looker"})
    first = provider.read(f"2/{key_id}", olds)
    second = provider.read(f"2/{key_id}", first.outs)
    for result in (first, second):
        assert result.outs["purpose"] == "set in Looker"
        assert result.outs["managed_fields"] == []
        assert "purpose" not in result.inputs
    assert provider.diff("x", second.outs, {"user_id": "2"}).changes is False


def test_refresh_of_a_key_deleted_outside_pulumi(emulator, provider, client) -> None:
    olds = provider.create(checked(provider, user_id="2")).outs
    client.delete_credentials_api3("2", olds["credentials_api3_id"])
    result = provider.read(f"2/{olds['credentials_api3_id']}", olds)
    assert result.id is None


def test_import_adopts_the_key(emulator, provider, existing) -> None:
    result = provider.read(f"2/{existing}", {})
    assert result.inputs == {
        "user_id": "2",
        "credentials_api3_id": existing,
        "purpose": "made by hand",
    }
    assert result.outs["adopted"] is True
    assert provider.diff(result.id, result.outs, result.inputs).changes is False
    provider.delete(result.id, result.outs)
    assert [
        k["id"] for k in emulator.control.state()["credentials_api3"] if k["user_id"] == "2"
    ] == [existing]


@pytest.mark.parametrize("bad_id", ["42", "42/", "/7", "4 2/7", "42/7/1"])
def test_import_with_a_malformed_id(provider, bad_id: str) -> None:
    with pytest.raises(
        LookerError, match=r"id is '<user_id>/<credentials_api3_id>', for example '42/7'"
    ):
        provider.read(bad_id, {})


def test_delete_in_create_mode_deletes_and_tolerates_404(emulator, provider) -> None:
    olds = provider.create(checked(provider, user_id="2")).outs
    emulator.control.clear_requests()
    provider.delete("x", olds)
    provider.delete("x", olds)  # already gone: fine
    path = key_path(olds["credentials_api3_id"])
    assert [
        (r["method"], r["path"], r["status"])
        for r in emulator.control.requests()
        if r["method"] == "DELETE"
    ] == [
        ("DELETE", path, 204),
        ("DELETE", path, 404),
    ]


def test_delete_in_adopt_mode_restores_the_purpose(emulator, provider, existing) -> None:
    olds = provider.create(
        checked(provider, user_id="2", credentials_api3_id=existing, purpose="dbt")
    ).outs
    emulator.control.clear_requests()
    provider.delete("x", olds)
    assert api_calls(emulator) == Counter({("PATCH", key_path(existing)): 1})
    [live] = [k for k in emulator.control.state()["credentials_api3"] if k["id"] == existing]
    assert live["purpose"] == "made by hand"


def test_non_admin_gets_a_clear_403(emulator, client) -> None:
    key = client.create_credentials_api3("3")
    provider = provider_for(ApiCredentialProvider, emulator, key)
    with pytest.raises(PermissionDeniedError, match=f"POST {KEYS} failed with HTTP 403"):
        provider.create(checked(provider, user_id="2"))


def test_no_secret_in_logs_or_errors(emulator, provider, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    outs = provider.create(checked(provider, user_id="2", purpose="p")).outs
    errors = []
    for call in (
        lambda: provider.create(checked(provider, user_id="999")),
        lambda: provider.read("2/999", {}),
        lambda: provider.create({"user_id": "2", "purpose": 1}),
    ):
        try:
            call()
        except Exception as error:
            errors.append(str(error))
    shared = provider.client(None)
    token = shared.transport.auth.token.value
    text = caplog.text + "\n".join(errors) + str(emulator.control.requests())
    for secret in (outs["client_secret"], ADMIN_CLIENT_SECRET, token):
        assert secret not in text
    assert len(errors) == 3
    assert errors[1] == "Looker has no API key 999 for user 2"  # an import's read


def test_numeric_ids_from_pulumis_wire_become_strings(provider) -> None:
    result = provider.check({}, {"user_id": 1.0, "credentials_api3_id": 1})  # the admin's key
    assert result.failures == []
    assert (result.inputs["user_id"], result.inputs["credentials_api3_id"]) == ("1", "1")
    assert [f.property for f in provider.check({}, {"user_id": 4.5}).failures] == ["user_id"]
    assert [f.property for f in provider.check({}, {"user_id": True}).failures] == ["user_id"]


def test_conflict_on_create_is_a_clear_error(emulator, provider) -> None:
    emulator.control.aim("error", "POST", KEYS, status=409)
    with pytest.raises(ConflictError, match=f"POST {KEYS} failed with HTTP 409: Conflict"):
        provider.create(checked(provider, user_id="2", purpose="p"))
    writes = [(r["method"], r["path"], r["status"]) for r in emulator.control.writes()]
    assert writes == [("POST", KEYS, 409)]  # not retried: a conflict will not go away
    assert keys_of_user(emulator, "2") == []


def test_rejected_purpose_deletes_the_new_key(emulator, provider) -> None:
    emulator.control.aim("error", "PATCH", f"{KEYS}/*", status=422)
    with pytest.raises(ValidationError, match="purpose: injected"):
        provider.create(checked(provider, user_id="2", purpose="p"))
    writes = [
        (r["method"], r["path"].rsplit("/", 1)[0], r["status"]) for r in emulator.control.writes()
    ]
    assert writes == [
        ("POST", "/api/4.0/users/2", 200),
        ("PATCH", KEYS, 422),
        ("DELETE", KEYS, 204),
    ]
    assert keys_of_user(emulator, "2") == []


def test_the_key_a_lost_create_made_is_deleted_and_the_create_sent_again(
    emulator, provider
) -> None:
    emulator.control.aim("lose", "POST", KEYS)
    result = provider.create(checked(provider, user_id="2", purpose="p"))
    calls = [c for c in statuses(emulator) if c[:2] != LOGIN and c[:2] != VERSIONS]
    lost = calls[0]
    assert lost == ("POST", KEYS, "lost 200")
    [live] = keys_of_user(emulator, "2")
    assert live["id"] == result.outs["credentials_api3_id"]  # the orphan is gone
    orphan = str(int(live["id"]) - 1)
    assert calls[1:] == [
        ("GET", KEYS, 200),
        ("DELETE", key_path(orphan), 204),
        ("POST", KEYS, 200),
        ("PATCH", key_path(live["id"]), 200),
    ]


def test_a_lost_create_never_takes_another_resources_new_key_for_its_own(
    emulator, provider
) -> None:
    sibling = provider.create(checked(provider, user_id="2")).outs  # no purpose, just made
    emulator.control.aim("lose", "POST", KEYS)
    provider.create(checked(provider, user_id="2"))
    assert sibling["credentials_api3_id"] in [k["id"] for k in keys_of_user(emulator, "2")]
    assert len(keys_of_user(emulator, "2")) == 2


def test_a_lost_create_whose_key_cannot_be_deleted_names_it(emulator, provider) -> None:
    emulator.control.aim("lose", "POST", KEYS)
    emulator.control.aim("error", "DELETE", f"{KEYS}/*", times=10, status=503)
    message = failed_create(provider)
    [orphan] = keys_of_user(emulator, "2")
    assert f"POST {KEYS} failed" in message
    assert f"key(s) {orphan['id']} (created {orphan['created_at']}) of user 2" in message
    assert "could not be deleted" in message


def test_a_create_refused_before_it_ran_is_sent_again(emulator, provider) -> None:
    emulator.control.aim("error", "POST", KEYS, status=502)
    result = provider.create(checked(provider, user_id="2"))
    key_id = result.outs["credentials_api3_id"]
    calls = statuses(emulator)[1:]  # after the login
    assert calls == [
        ("POST", KEYS, 502),
        ("GET", KEYS, 200),
        ("POST", KEYS, 200),
        ("GET", "/api/4.0/versions", 200),  # the release has purposes: the key gets the marker
        ("PATCH", key_path(key_id), 200),
    ]
    assert [k["id"] for k in keys_of_user(emulator, "2")] == [key_id]


def failed_create(provider: ApiCredentialProvider) -> str:
    """The message of a key create that fails."""
    with pytest.raises(LookerError) as raised:
        provider.create(checked(provider, user_id="2"))
    return str(raised.value)


def test_a_create_that_keeps_failing_stops_after_three_sends(emulator, provider) -> None:
    emulator.control.aim("error", "POST", KEYS, times=5, status=503)
    message = failed_create(provider)
    assert "HTTP 503" in message
    assert "(send 3 of 3). Looker has no key of those calls" in message
    calls = statuses(emulator)[1:]
    assert calls == [("POST", KEYS, 503), ("GET", KEYS, 200)] * 3
    assert keys_of_user(emulator, "2") == []


def test_a_create_whose_check_cannot_list_the_keys_sends_nothing_more(emulator, provider) -> None:
    emulator.control.aim("error", "POST", KEYS, status=503)
    emulator.control.aim("error", "GET", KEYS, times=10, status=503)
    message = failed_create(provider)
    assert "(send 1 of 3). Looker may have created the key anyway, and listing" in message
    assert "look in Looker's admin page for keys of user 2 with no purpose" in message
    assert [c for c in statuses(emulator) if c[0] == "POST" and c[1] == KEYS] == [
        ("POST", KEYS, 503)
    ]


def test_orphans_are_found_whether_looker_shows_no_purpose_as_null_or_empty() -> None:
    looker_time = datetime.timezone(datetime.timedelta(hours=-7))  # Looker's time zone
    now = datetime.datetime.now(datetime.timezone.utc).astimezone(looker_time)
    just_made = (now + datetime.timedelta(seconds=30)).isoformat(timespec="milliseconds")
    before = (now - datetime.timedelta(minutes=10)).isoformat(timespec="milliseconds")

    class Listing:
        """Looker's key calls for user 2: the first create fails with a 503 after making two
        keys without a purpose (null and empty); user 2 has two other keys (one with a
        purpose, one older than the create)."""

        def __init__(self) -> None:
            self.sends = 0
            self.deleted: list[str] = []

        def create_credentials_api3(self, user_id: str) -> models.CreateCredentialsApi3:
            self.sends += 1
            if self.sends == 1:
                raise ServerError(status=503, message="busy", method="POST", path="/k", attempts=1)
            return models.CreateCredentialsApi3(id="9", created_at=just_made, client_secret="s")

        def list_credentials_api3(self, user_id: str) -> list[models.CredentialsApi3]:
            return [
                models.CredentialsApi3(id="5", purpose="", created_at=just_made),
                models.CredentialsApi3(id="6", purpose=None, created_at=just_made),
                models.CredentialsApi3(id="7", purpose="in use", created_at=just_made),
                models.CredentialsApi3(id="8", purpose=None, created_at=before),
            ]

        def delete_credentials_api3(self, user_id: str, key_id: str) -> None:
            self.deleted.append(key_id)

    calls = Listing()
    created = UserDirectory(calls).create_key("2")  # type: ignore[arg-type]
    assert (created.id, calls.sends) == ("9", 2)
    assert calls.deleted == ["5", "6"]


def test_a_half_made_key_that_cannot_be_deleted_stays_in_the_state(emulator, provider) -> None:
    emulator.control.aim("error", "PATCH", f"{KEYS}/*", times=10, status=503)
    emulator.control.aim("error", "DELETE", f"{KEYS}/*", times=10, status=503)
    outs = provider.create(checked(provider, user_id="2", purpose="p")).outs
    [live] = keys_of_user(emulator, "2")
    assert (outs["credentials_api3_id"], outs["purpose"]) == (live["id"], None)  # held, as it is
    assert len(outs["client_secret"]) == 24
    emulator.control.clear_faults()
    assert provider.diff("x", outs, {"user_id": "2", "purpose": "p"}).changes  # next up sets it
    provider.update("x", outs, {"user_id": "2", "purpose": "p"})
    assert [k["purpose"] for k in keys_of_user(emulator, "2")] == [marked("p")]


def test_an_unknown_user_is_named_as_such(emulator, provider) -> None:
    with pytest.raises(LookerError) as raised:
        provider.create(checked(provider, user_id="999"))
    assert str(raised.value).startswith(
        "user_id '999': Looker has no user 999, or this connection cannot see it (POST "
    )


def test_check_names_an_unknown_user_or_key_of_a_new_key_from_one_listing(
    emulator, provider, existing
) -> None:
    """A new (or moved) key must name a user and key Looker has: check asks the one listing of
    users, which the refresh's reads share; a key that stays where it is costs no call."""
    unknown_user = provider.check({}, {"user_id": "999", "purpose": "bot"})
    assert [(f.property, f.reason) for f in unknown_user.failures] == [
        ("user_id", "user_id '999': Looker has no user 999 (the listing of every user lacks it)")
    ]
    unknown_key = provider.check({}, {"user_id": "2", "credentials_api3_id": "77"})
    assert [f.property for f in unknown_key.failures] == ["credentials_api3_id"]
    assert "user 2 has no API key 77 in Looker" in unknown_key.failures[0].reason
    assert provider.check({}, {"user_id": "2", "credentials_api3_id": existing}).failures == []
    assert api_calls(emulator) == {("GET", "/api/4.0/users"): 1}  # one listing for all
    emulator.control.clear_requests()
    provider.read(f"2/{existing}", {})  # a refresh's read: the same listing, no call
    same = {"user_id": "999", "purpose": "bot"}
    assert provider.check(same, same).failures == []  # not new: not looked up again
    assert emulator.control.requests() == []


def test_a_key_by_email_goes_to_that_user_from_one_listing(emulator, provider) -> None:
    checked_ = provider.check({}, {"user_email": "Grace.Hopper@example.com", "purpose": "bot"})
    assert checked_.failures == []
    assert checked_.inputs["user_id"] == "3"
    assert api_calls(emulator) == {("GET", "/api/4.0/users"): 1}
    outs = provider.create(checked_.inputs).outs
    assert (outs["user_id"], outs["user_email"]) == ("3", "Grace.Hopper@example.com")
    assert [k["purpose"] for k in keys_of_user(emulator, "3")] == [marked("bot")]
    emulator.control.clear_requests()
    again = provider.check(outs, {"user_email": "Grace.Hopper@example.com", "purpose": "bot"})
    assert again.inputs["user_id"] == "3"  # from the state: no call
    assert provider.diff("x", outs, again.inputs).changes is False
    assert emulator.control.requests() == []
    nobody = provider.check({}, {"user_email": "nobody@example.com"})
    assert [(f.property, f.reason) for f in nobody.failures] == [
        (
            "user_email",
            "user_email 'nobody@example.com': Looker has no user with this email (the listing "
            "of every user lacks it)",
        )
    ]
    both = provider.check({}, {"user_email": "a@example.com", "user_id": "2"})
    assert [f.reason for f in both.failures] == ["give user_id or user_email, not both"]
