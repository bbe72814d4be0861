"""The ownership markers: a stack's name from a URN, a key's purpose, the owners attribute."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulumi_looker import ownership


@pytest.mark.parametrize(
    ("urn", "stack"),
    [
        (
            "urn:pulumi:dev::looker-yaml::looker:index:PasswordConfig::password-policy",
            "looker-yaml/dev",
        ),
        (
            "urn:pulumi:prod.eu::looker-settings::pulumi-python:dynamic:Resource::k",
            "looker-settings/prod.eu",
        ),
        ("not a urn", None),
        ("urn:pulumi:::looker::t::n", None),
    ],
)
def test_a_stack_is_named_project_slash_stack_from_its_urn(urn, stack) -> None:
    assert ownership.stack_of_urn(urn) == stack


@pytest.mark.parametrize(
    ("purpose", "split"),
    [
        ("dbt cloud [pulumi: looker/dev]", ("dbt cloud", "looker/dev")),
        ("[pulumi: looker/dev]", (None, "looker/dev")),
        ("dbt cloud", ("dbt cloud", None)),
        ("dbt [pulumi: not a stack]", ("dbt [pulumi: not a stack]", None)),
        ("[pulumi: a/b] then more", ("[pulumi: a/b] then more", None)),
        (None, (None, None)),
    ],
)
def test_a_purpose_splits_into_the_users_text_and_the_stack(purpose, split) -> None:
    assert ownership.split_purpose(purpose) == split


def test_marking_keeps_the_users_purpose_readable_and_replaces_an_old_marker() -> None:
    assert ownership.marked_purpose("dbt cloud", "looker/dev") == "dbt cloud [pulumi: looker/dev]"
    assert ownership.marked_purpose(None, "looker/dev") == "[pulumi: looker/dev]"
    assert ownership.marked_purpose("x [pulumi: a/b]", "c/d") == "x [pulumi: c/d]"
    assert ownership.marked_purpose("dbt", None) == "dbt"


@given(
    st.one_of(st.none(), st.text()),
    st.from_regex(r"[a-z0-9_.-]{1,8}/[a-z0-9_.-]{1,8}", fullmatch=True),
)
def test_a_marked_purpose_reads_back_as_it_was_written(purpose, stack) -> None:
    text = ownership.user_purpose(purpose)
    assert ownership.split_purpose(ownership.marked_purpose(purpose, stack)) == (
        (text.rstrip() or None) if text else None,
        stack,
    )


def test_the_owners_attribute_round_trips_and_ignores_hand_edits() -> None:
    owners = {"setting": "infra/prod", "password_config": "looker/dev"}
    text = ownership.format_owners(owners)
    assert text == "password_config=looker/dev;setting=infra/prod"
    assert ownership.parse_owners(text) == owners
    assert ownership.parse_owners(" password_config = looker/dev ;junk; x=not a stack") == {
        "password_config": "looker/dev"
    }
    assert ownership.parse_owners(None) == {}


def test_the_refusals_name_the_other_stack_and_what_to_do() -> None:
    refusal = ownership.singleton_refusal("password policy", "looker/dev", "looker/other")
    assert "managed by stack looker/dev" in refusal
    assert "remove it from stack looker/other (or from looker/dev)" in refusal
    assert "takeover: true" in refusal
    refusal = ownership.key_refusal("2", "7", "looker/dev")
    assert refusal.startswith(
        "credentials_api3_id '7': API key 7 of user 2 is managed by stack looker/dev"
    )
