"""The emulator answers as Looker API 4.0 does, byte for byte where the spec says how."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_looker.emulator.process import EmulatorProcess
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET

from .spec import SPEC

SPEC_SCHEMAS = json.loads(SPEC.read_text())["components"]["schemas"]


def login(http: httpx.Client, client_id: str, client_secret: str) -> httpx.Response:
    return http.post("/login", data={"client_id": client_id, "client_secret": client_secret})


@pytest.fixture
def api(emulator: EmulatorProcess) -> Iterator[httpx.Client]:
    """Raw HTTP as the admin, so the tests see exactly what the server sends."""
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        yield http


def test_login_answers_an_access_token(emulator: EmulatorProcess) -> None:
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        answer = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET)
        bad = login(http, ADMIN_CLIENT_ID, "wrong")
        anonymous = http.get("/password_config")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["expires_in"] == 3600
    assert len(body["access_token"]) == 40
    assert bad.status_code == 404
    assert set(bad.json()) == {"message", "documentation_url"}
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "Requires authentication."


def test_fresh_instance_session_policy(api: httpx.Client) -> None:
    assert api.get("/session_config").json() == {
        "can": {"show": True, "update": True},
        "allow_persistent_sessions": True,
        "session_minutes": 30,
        "unlimited_sessions_per_user": True,
        "use_inactivity_based_logout": False,
        "track_session_location": False,
    }


def test_session_policy_validation(api: httpx.Client) -> None:
    answer = api.patch("/session_config", json={"session_minutes": 4, "track_session_location": 1})
    assert answer.status_code == 422
    assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [
        ("session_minutes", "invalid"),
        ("track_session_location", "invalid"),
    ]
    cleared = api.patch("/session_config", json={"session_minutes": None})
    assert cleared.json()["session_minutes"] is None  # nullable in the spec


def test_answers_have_the_spec_schemas_fields(api: httpx.Client) -> None:
    schemas = json.loads(SPEC.read_text())["components"]["schemas"]
    for path, schema in (
        ("/password_config", "PasswordConfig"),
        ("/session_config", "SessionConfig"),
    ):
        assert set(api.get(path).json()) == set(schemas[schema]["properties"]), path
    created = api.post("/users/2/credentials_api3").json()
    assert set(created) == set(schemas["CreateCredentialsApi3"]["properties"])
    [listed] = api.get("/users/2/credentials_api3").json()
    assert set(listed) == set(schemas["CredentialsApi3"]["properties"])


def test_fresh_instance_password_policy(api: httpx.Client) -> None:
    body = api.get("/password_config").json()
    assert body == {
        "can": {"show": True, "update": True},
        "min_length": 10,
        "require_numeric": True,
        "require_upperlower": True,
        "require_special": True,
        "expiration_enabled": False,
        "expiration_duration_days": 90,
        "policy_enabled_at": None,
    }


def test_patch_applies_writable_and_ignores_read_only(api: httpx.Client) -> None:
    answer = api.patch(
        "/password_config",
        json={
            "min_length": 12,
            "expiration_enabled": True,
            "policy_enabled_at": "1999-01-01",
            "can": {},
        },
    )
    body = answer.json()
    assert answer.status_code == 200
    assert body["min_length"] == 12
    assert body["policy_enabled_at"] not in (None, "1999-01-01")  # set by the server itself
    assert body["can"] == {"show": True, "update": True}


def test_validation_error_body_as_the_spec_says(api: httpx.Client) -> None:
    answer = api.patch("/password_config", json={"min_length": 6, "require_numeric": "yes"})
    assert answer.status_code == 422
    body = answer.json()
    assert set(body) == {"message", "errors", "documentation_url"}
    assert [set(e) for e in body["errors"]] == [
        {"field", "code", "message", "documentation_url"}
    ] * 2
    assert [e["field"] for e in body["errors"]] == ["min_length", "require_numeric"]
    assert api.get("/password_config").json()["min_length"] == 10  # nothing applied


def test_api_keys_lifecycle(emulator: EmulatorProcess, api: httpx.Client) -> None:
    created = api.post("/users/3/credentials_api3")
    assert created.status_code == 200
    key = created.json()
    assert set(key) == {
        "can",
        "id",
        "client_id",
        "created_at",
        "is_disabled",
        "type",
        "purpose",
        "url",
        "client_secret",
    }
    assert key["url"] == f"{emulator.url}/api/4.0/users/3/credentials_api3/{key['id']}"
    assert isinstance(key["id"], str)
    assert len(key["client_id"]) == 20
    assert len(key["client_secret"]) == 24

    fetched = api.get(f"/users/3/credentials_api3/{key['id']}").json()
    assert "client_secret" not in fetched
    patched = api.patch(
        f"/users/3/credentials_api3/{key['id']}",
        json={"purpose": "etl", "is_disabled": True, "client_id": "x"},
    ).json()
    assert (patched["purpose"], patched["is_disabled"], patched["client_id"]) == (
        "etl",
        False,
        key["client_id"],
    )
    assert [k["id"] for k in api.get("/users/3/credentials_api3").json()] == [key["id"]]

    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as other:
        assert login(other, key["client_id"], key["client_secret"]).status_code == 200
        assert api.delete(f"/users/3/credentials_api3/{key['id']}").status_code == 204
        assert login(other, key["client_id"], key["client_secret"]).status_code == 404
    assert api.get(f"/users/3/credentials_api3/{key['id']}").status_code == 404


def test_unknown_things_are_404_with_an_error_body(api: httpx.Client) -> None:
    for path in ("/no_such_thing", "/users/999/credentials_api3", "/users/2/credentials_api3/1"):
        answer = api.get(path)
        assert answer.status_code == 404, path
        assert set(answer.json()) == {"message", "documentation_url"}


def test_non_admin_is_forbidden(emulator: EmulatorProcess, api: httpx.Client) -> None:
    key = api.post("/users/2/credentials_api3").json()
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, key["client_id"], key["client_secret"]).json()["access_token"]
        http.headers["Authorization"] = f"token {token}"
        for method, path in (
            ("GET", "/password_config"),
            ("PATCH", "/session_config"),
            ("POST", "/users/3/credentials_api3"),
            ("GET", "/users/2/credentials_api3"),
            ("GET", "/permissions"),
            ("GET", "/permission_sets/search"),
            ("POST", "/groups"),
            ("PUT", "/roles/2/users"),
            ("GET", "/groups/search/with_hierarchy"),
        ):
            answer = http.request(method, path)
            assert answer.status_code == 403, path
            assert set(answer.json()) == {"message", "documentation_url"}


def test_an_admin_can_act_as_another_user(emulator: EmulatorProcess, api: httpx.Client) -> None:
    """``POST /login/{user_id}`` (sudo): a token that acts as user 3, who has no key."""
    answer = api.post("/login/3")
    assert answer.status_code == 200
    assert set(answer.json()) == set(SPEC_SCHEMAS["AccessToken"]["properties"])
    as_three = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    assert api.get("/user", headers=as_three).json()["id"] == "3"
    assert api.get("/password_config", headers=as_three).status_code == 403  # 3 is no admin
    assert api.post("/login/3", headers=as_three).status_code == 403  # nor can 3 sudo
    assert api.post("/login/99").status_code == 404
    keys = emulator.control.state()["credentials_api3"]
    assert [k for k in keys if k["user_id"] == "3"] == []  # no key made for it


def test_fields_parameter_restricts_the_answer(api: httpx.Client) -> None:
    assert api.get("/password_config", params={"fields": "min_length, require_special"}).json() == {
        "min_length": 10,
        "require_special": True,
    }
    keys = api.get("/users/1/credentials_api3", params={"fields": "id,client_id"}).json()
    assert keys == [{"id": "1", "client_id": ADMIN_CLIENT_ID}]


def test_state_survives_a_crash_and_restart(start_emulator, tmp_path: Path) -> None:
    state = tmp_path / "looker-state.json"
    emulator = start_emulator(state_file=state)
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        http.patch("/password_config", json={"min_length": 33})
        http.patch("/session_config", json={"session_minutes": 720})
        key = http.post("/users/2/credentials_api3").json()
    emulator.stop(kill=True)
    assert ADMIN_CLIENT_SECRET not in state.read_text()
    assert key["client_secret"] not in state.read_text()
    assert not list(tmp_path.glob(".looker-state.json.*"))  # no temporary file left behind
    emulator.start()
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        http.headers["Authorization"] = f"Bearer {token}"
        assert http.get("/password_config").status_code == 401  # sessions end with a restart
        token = login(http, key["client_id"], key["client_secret"])
        assert token.status_code == 200  # the key created before the crash still logs in
        admin = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {admin}"
        assert http.get("/password_config").json()["min_length"] == 33
        assert http.get("/session_config").json()["session_minutes"] == 720


def test_periodic_faults_at_runtime_and_request_log(
    emulator: EmulatorProcess, api: httpx.Client
) -> None:
    emulator.control.clear_requests()
    emulator.control.set_faults(rate_limit_every=2, retry_after=7)
    first, second = api.get("/password_config"), api.get("/session_config")
    assert (first.status_code, second.status_code) == (200, 429)
    assert second.headers["retry-after"] == "7"
    log = emulator.control.requests()
    assert [(r["method"], r["path"], r["status"]) for r in log] == [
        ("GET", "/api/4.0/password_config", 200),
        ("GET", "/api/4.0/session_config", 429),
    ]
    assert all(isinstance(r["time"], float) and r["duration_ms"] >= 0 for r in log)
    with httpx.Client(base_url=emulator.url) as http:
        answer = http.patch("/_emulator/faults", json={"error_status": 302})
        assert answer.status_code == 400
        assert "error_status must be a 4xx or 5xx status" in answer.json()["message"]


def test_aimed_faults_hit_only_their_method_and_path(
    emulator: EmulatorProcess, api: httpx.Client
) -> None:
    emulator.control.aim(
        "error", "POST", "/api/4.0/users/*/credentials_api3", skip=1, times=2, status=502
    )
    emulator.control.clear_requests()
    answers = [
        api.get("/users/2/credentials_api3").status_code,  # another method: untouched
        api.post("/users/2/credentials_api3").status_code,  # skipped
        api.post("/users/3/credentials_api3").status_code,
        api.get("/password_config").status_code,  # another path: untouched
        api.post("/users/2/credentials_api3").status_code,
        api.post("/users/2/credentials_api3").status_code,  # spent
    ]
    assert answers == [200, 200, 502, 200, 502, 200]
    with httpx.Client(base_url=emulator.url) as http:
        answer = http.post("/_emulator/faults/aimed", json={"kind": "explode"})
        assert answer.status_code == 400
        assert "kind" in answer.json()["message"]
        assert http.delete("/_emulator/faults").status_code == 200


def test_latency_flag(start_emulator) -> None:
    emulator = start_emulator("--latency-ms", "200")
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        elapsed = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).elapsed.total_seconds()
    assert elapsed >= 0.2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "notaport"], "invalid int value"),
        (["--admin-client-id", "a"], "--admin-client-id and --admin-client-secret are required"),
        (
            ["--admin-client-id", "a", "--admin-client-secret", "b", "--error-status", "429"],
            "error_status must be a 4xx or 5xx",
        ),
        (
            ["--admin-client-id", "a", "--admin-client-secret", "b", "--latency-ms", "-1"],
            "latency_ms must be a number >= 0",
        ),
    ],
)
def test_bad_flags_get_a_usage_error(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_looker.emulator", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert "usage: looker-emulator" in result.stderr
    assert message in result.stderr


def test_without_the_extra_it_says_which_to_install_in_one_line() -> None:
    """As when `pip install pulumi-looker` left out the extra `emulator` (no starlette)."""
    program = (
        "import sys; sys.modules['starlette'] = None; "
        "from pulumi_looker.emulator.cli import main; "
        "main(['--admin-client-id', 'a', '--admin-client-secret', 'b'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "looker-emulator: starlette missing: install the extra `emulator` "
        "(pip install 'pulumi-looker[emulator]')"
    ]


def test_help_lists_the_control_routes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_looker.emulator", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    for route in ("/_emulator/requests", "/_emulator/faults/aimed", "/_emulator/state"):
        assert route in result.stdout


def test_users_listing_as_the_spec_says(api: httpx.Client) -> None:
    key = api.post("/users/3/credentials_api3").json()
    users = api.get("/users").json()
    assert [u["id"] for u in users] == ["1", "2", "3", "4", "5"]
    user_schema = json.loads(SPEC.read_text())["components"]["schemas"]["User"]["properties"]
    for user in users:
        assert set(user) <= set(user_schema)
    [three] = api.get("/users", params={"ids": "3", "fields": "id,credentials_api3"}).json()
    assert set(three) == {"id", "credentials_api3"}
    [listed] = three["credentials_api3"]
    assert (listed["id"], listed["client_id"]) == (key["id"], key["client_id"])
    assert "client_secret" not in listed
    page = api.get("/users", params={"limit": 2, "offset": 2, "fields": "id"}).json()
    assert page == [{"id": "3"}, {"id": "4"}]
    old_style = api.get("/users", params={"per_page": 2, "page": 3, "fields": "id"}).json()
    assert old_style == [{"id": "5"}]
    picked = api.get("/users", params={"ids": "5,1,99", "fields": "id"}).json()
    assert picked == [{"id": "1"}, {"id": "5"}]
    assert api.get("/users", params={"limit": "x"}).status_code == 400


def test_versions_needs_no_login_and_has_the_spec_schema(emulator: EmulatorProcess) -> None:
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        answer = http.get("/versions")
    assert answer.status_code == 200
    schema = json.loads(SPEC.read_text())["components"]["schemas"]["ApiVersion"]["properties"]
    assert set(answer.json()) == set(schema)
    assert answer.json()["looker_release_version"] == "26.12.3"


def test_an_older_release_lacks_what_came_after_it(start_emulator) -> None:
    emulator = start_emulator("--looker-version", "25.10")
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        assert http.get("/versions").json()["looker_release_version"] == "25.10"
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        policy = http.get("/password_config").json()
        assert "expiration_enabled" not in policy
        assert "policy_enabled_at" not in policy
        ignored = http.patch("/password_config", json={"expiration_enabled": True})
        assert "expiration_enabled" not in ignored.json()
        key = http.post("/users/2/credentials_api3").json()
        assert "purpose" not in key
        patch = http.patch(f"/users/2/credentials_api3/{key['id']}", json={"purpose": "x"})
        assert patch.status_code == 405  # no such endpoint before 25.14


def test_google_cloud_core_and_permission_404_modes(start_emulator) -> None:
    emulator = start_emulator("--google-cloud-core", "--permission-404")
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        refused = http.get("/password_config")
        assert (refused.status_code, refused.json()["message"]) == (
            403,
            "Unsupported in Looker (Google Cloud core)",
        )
        assert http.get("/session_config").status_code == 200
        assert http.post("/login/3").status_code == 403  # no embed users to impersonate
        role_groups = http.put("/roles/2/groups", json=[])
        assert (role_groups.status_code, role_groups.json()["message"]) == (
            403,
            "Unsupported in Looker (Google Cloud core)",
        )
        key = http.post("/users/2/credentials_api3").json()
        user = login(http, key["client_id"], key["client_secret"]).json()["access_token"]
        hidden = http.get("/session_config", headers={"Authorization": f"Bearer {user}"})
        assert hidden.status_code == 404  # not 403: Looker hides what a caller may not see


def test_validation_codes_say_missing_or_invalid(api: httpx.Client) -> None:
    answer = api.patch("/password_config", json={"require_special": None, "min_length": 3})
    assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [
        ("min_length", "invalid"),
        ("require_special", "missing_field"),
    ]


def test_timestamps_carry_the_servers_offset(api: httpx.Client) -> None:
    created = api.post("/users/2/credentials_api3").json()["created_at"]
    assert created.endswith("-07:00")


def test_an_ordinary_user_can_be_given_a_key(start_emulator) -> None:
    emulator = start_emulator("--user-key", "UserClientId:UserSecret")
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, "UserClientId", "UserSecret").json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        refused = http.get("/password_config", headers=auth)
        me = http.get("/user", headers=auth).json()
        themself = http.get("/users/2", headers=auth)
        other = http.get("/users/1", headers=auth)
        assert http.delete("/logout", headers=auth).status_code == 204
        after_logout = http.get("/user", headers=auth)
    assert refused.status_code == 403
    assert me["id"] == "2"
    assert (themself.status_code, other.status_code) == (200, 403)
    assert after_logout.status_code == 401
    [key] = [k for k in emulator.control.state()["credentials_api3"] if k["user_id"] == "2"]
    assert key["client_id"] == "UserClientId"


def _without_tokens(state: dict) -> dict:
    """What an instance holds but its tokens and when its keys were made (a new process's
    admin key is made when it starts, as a reset's is)."""
    held = {k: v for k, v in state.items() if k not in ("sessions", "issued_tokens")}
    held["credentials_api3"] = [
        {k: v for k, v in key.items() if k != "created_at"} for key in held["credentials_api3"]
    ]
    return held


def test_a_reset_makes_the_instance_as_its_process_started_it(start_emulator, tmp_path) -> None:
    """One emulator serves test after test (tests/conftest.py): after a reset it holds what a
    new process with the same flags holds, its periodic faults are those of its flags, and its
    request log is empty. One with a state file is not reset."""
    emulator = start_emulator("--users", "3", "--latency-ms", "1")
    started = _without_tokens(emulator.control.state())
    with httpx.Client(base_url=f"{emulator.url}/api/4.0") as http:
        token = login(http, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET).json()["access_token"]
        http.headers["Authorization"] = f"Bearer {token}"
        http.patch("/password_config", json={"min_length": 30}).raise_for_status()
        http.post("/users/2/credentials_api3").raise_for_status()
        http.post("/groups", json={"name": "Finance"}).raise_for_status()
    assert emulator.control.set_faults(error_every=5)["error_every"] == 5
    emulator.control.reset()
    assert _without_tokens(emulator.control.state()) == started
    assert emulator.control.requests() == []
    faults = emulator.control.set_faults()  # an empty change answers the faults in force
    assert (faults["latency_ms"], faults["error_every"]) == (1, 0)

    kept = start_emulator(state_file=tmp_path / "state.json")
    refused = httpx.post(f"{kept.url}/_emulator/reset")
    assert refused.status_code == 409
