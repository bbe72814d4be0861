"""The emulator, driven by Looker's own Python SDK (looker-sdk): what it calls, it serves."""

from __future__ import annotations

import pytest
from looker_sdk import models40
from looker_sdk.error import SDKError
from looker_sdk.sdk.api40.methods import Looker40SDK

from pulumi_looker.emulator.process import EmulatorProcess


def test_me_and_users(sdk: Looker40SDK) -> None:
    me = sdk.me()
    assert (me.id, me.display_name) == ("1", f"{me.first_name} {me.last_name}")
    assert sdk.user("3").id == "3"
    assert [u.id for u in sdk.all_users(fields="id")] == ["1", "2", "3", "4", "5"]
    with pytest.raises(SDKError):
        sdk.user("999")


def test_policies_read_and_written(sdk: Looker40SDK) -> None:
    assert sdk.password_config().min_length == 10  # Looker's default
    updated = sdk.update_password_config(models40.WritePasswordConfig(min_length=14))
    assert updated.min_length == 14
    assert sdk.password_config().min_length == 14
    sessions = sdk.update_session_config(models40.WriteSessionConfig(session_minutes=480))
    assert sessions.session_minutes == 480


def test_api_keys_lifecycle(sdk: Looker40SDK, emulator: EmulatorProcess) -> None:
    created = sdk.create_user_credentials_api3("2")
    assert created.client_secret
    updated = sdk.update_user_credentials_api3(
        "2", created.id, models40.WriteCredentialsApi3(purpose="sdk bot")
    )
    assert updated.purpose == "sdk bot"
    assert [k.purpose for k in sdk.all_user_credentials_api3s("2")] == ["sdk bot"]
    assert sdk.user_credentials_api3("2", created.id).client_id == created.client_id
    sdk.delete_user_credentials_api3("2", created.id)
    assert sdk.all_user_credentials_api3s("2") == []
    assert emulator.control.state()["credentials_api3"][1:] == []


def test_sudo_as_another_user(sdk: Looker40SDK) -> None:
    """``login_user``: looker-sdk's sudo, a token that acts as the user."""
    with pytest.warns(UserWarning, match="login_user behavior changed"):  # the SDK's own note
        token = sdk.login_user("3")
    assert (token.token_type, token.expires_in) == ("Bearer", 3600)
    assert token.access_token


def test_logout_ends_the_token(sdk: Looker40SDK, emulator: EmulatorProcess) -> None:
    sdk.me()
    sdk.auth.logout()
    assert emulator.control.calls()[("DELETE", "/api/logout")] == 1
    sdk.me()  # the SDK logs in again
    logins = [r for r in emulator.control.requests() if r["path"] == "/api/4.0/login"]
    assert len(logins) == 2


def test_a_service_accounts_life(sdk: Looker40SDK, emulator: EmulatorProcess) -> None:
    account = sdk.create_service_account(
        models40.WriteServiceAccount(service_account_name="ETL bot")
    )
    assert account.id is not None
    assert (account.is_service_account, account.is_disabled) == (True, False)
    roles = {role.name: role.id for role in sdk.all_roles(fields="id,name")}
    assert {"Admin", "Developer", "User", "Viewer"} <= set(roles)
    set_to = sdk.set_user_roles(account.id, [roles["Developer"]])
    assert [r.name for r in set_to] == ["Developer"]
    assert [r.id for r in sdk.user_roles(account.id)] == [roles["Developer"]]
    renamed = sdk.update_service_account(
        account.id, models40.WriteServiceAccount(service_account_name="ETL", is_disabled=True)
    )
    assert (renamed.service_account_name, renamed.is_disabled) == ("ETL", True)
    user = sdk.user(account.id)
    assert (user.is_service_account, user.email, user.role_ids) == (
        True,
        None,
        [roles["Developer"]],
    )
    sdk.delete_service_account(account.id)
    assert account.id not in {u["id"] for u in emulator.control.state()["users"]}
    with pytest.raises(SDKError):
        sdk.update_service_account("2", models40.WriteServiceAccount(is_disabled=True))


def test_user_attributes_lifecycle(sdk: Looker40SDK) -> None:
    """What pulumi-looker's owners marker needs, as looker-sdk calls it (its UserAttribute
    requires name, label and type, so a listing asks for them): list with fields,
    create, get, update, delete, and Looker's answers to a taken name, a missing field and an
    unknown id."""
    system = sdk.all_user_attributes(fields="id,name,label,type")
    assert {"email", "first_name", "locale"} <= {a.name for a in system}
    made = sdk.create_user_attribute(
        models40.WriteUserAttribute(
            name="pulumi_looker_owners",
            label="owners",
            type="string",
            default_value="password_config=p/dev",
            user_can_view=False,
        )
    )
    assert (made.is_system, made.is_permanent, made.user_can_view) == (False, False, False)
    assert made.id is not None
    assert sdk.user_attribute(made.id).default_value == "password_config=p/dev"
    updated = sdk.update_user_attribute(
        made.id,
        models40.WriteUserAttribute(
            name="pulumi_looker_owners",
            label="owners",
            type="string",
            default_value="setting=p/prod",
        ),
    )
    assert updated.default_value == "setting=p/prod"
    listed = sdk.all_user_attributes(fields="name,label,type,default_value")
    assert {"name": "pulumi_looker_owners", "default_value": "setting=p/prod"} in [
        {"name": a.name, "default_value": a.default_value} for a in listed
    ]
    taken = models40.WriteUserAttribute(name="pulumi_looker_owners", label="x", type="string")
    with pytest.raises(SDKError, match="already exists"):
        sdk.create_user_attribute(taken)
    with pytest.raises(SDKError, match="Validation Failed"):
        sdk.create_user_attribute(
            models40.WriteUserAttribute(name="no_label", label="", type="string")
        )
    sdk.delete_user_attribute(made.id)
    with pytest.raises(SDKError, match="Not found"):
        sdk.user_attribute(made.id)
    with pytest.raises(SDKError, match="permanent"):
        sdk.delete_user_attribute(system[0].id or "")


def test_permission_sets_and_model_sets_lifecycle(sdk: Looker40SDK) -> None:
    """Every route of the sets, as looker-sdk calls them."""
    known = [p.permission for p in sdk.all_permissions()]
    assert {"access_data", "see_looks", "sudo"} <= set(known)
    made = sdk.create_permission_set(
        models40.WritePermissionSet(name="Analysts", permissions=["access_data", "see_looks"])
    )
    assert (made.built_in, made.all_access) == (False, False)
    assert made.id is not None
    assert sdk.permission_set(made.id).permissions == ["access_data", "see_looks"]
    updated = sdk.update_permission_set(
        made.id, models40.WritePermissionSet(permissions=["access_data", "explore"])
    )
    assert updated.permissions == ["access_data", "explore"]
    assert [s.name for s in sdk.search_permission_sets(name="analy%")] == ["Analysts"]
    assert "Analysts" in [s.name for s in sdk.all_permission_sets(fields="id,name")]
    with pytest.raises(SDKError, match="Validation Failed"):
        sdk.create_permission_set(models40.WritePermissionSet(name="X", permissions=["fly"]))
    [admin] = sdk.search_permission_sets(built_in=True)
    with pytest.raises(SDKError):
        sdk.delete_permission_set(admin.id or "")
    sdk.delete_permission_set(made.id)
    with pytest.raises(SDKError, match="Not found"):
        sdk.permission_set(made.id)

    models_made = sdk.create_model_set(models40.WriteModelSet(name="Marketing", models=["a"]))
    assert models_made.id is not None
    assert sdk.model_set(models_made.id).models == ["a"]
    renamed = sdk.update_model_set(models_made.id, models40.WriteModelSet(name="Sales"))
    assert (renamed.name, renamed.models) == ("Sales", ["a"])
    assert [s.name for s in sdk.search_model_sets(name="sales")] == ["Sales"]
    assert [s.name for s in sdk.all_model_sets()] == ["All", "Sales"]
    sdk.delete_model_set(models_made.id)
    assert [s.name for s in sdk.all_model_sets()] == ["All"]


def test_roles_and_groups_lifecycle(sdk: Looker40SDK, emulator: EmulatorProcess) -> None:
    """Roles, groups, their members and their roles, and group values, through looker-sdk."""
    [all_models] = sdk.search_model_sets(name="All")
    [viewer_set] = sdk.search_permission_sets(name="Viewer")
    role = sdk.create_role(
        models40.WriteRole(
            name="Analyst", permission_set_id=viewer_set.id, model_set_id=all_models.id
        )
    )
    assert role.id is not None
    assert role.permission_set is not None
    assert role.permission_set.name == "Viewer"
    assert sdk.role(role.id).name == "Analyst"
    assert sdk.update_role(role.id, models40.WriteRole(name="Analysts")).name == "Analysts"
    assert [r.name for r in sdk.search_roles(name="analyst_")] == ["Analysts"]
    assert "Analysts" in [r.name for r in sdk.all_roles(ids=models40.DelimSequence([role.id]))]

    group = sdk.create_group(models40.WriteGroup(name="Finance"))
    assert group.id is not None
    assert (group.externally_managed, group.user_count) == (False, 0)
    inner = sdk.create_group(models40.WriteGroup(name="Controllers"))
    assert inner.id is not None
    assert sdk.update_group(group.id, models40.WriteGroup(name="Fin")).name == "Fin"
    assert sdk.group(group.id).name == "Fin"
    assert [g.name for g in sdk.search_groups(name="fin")] == ["Fin"]
    assert {g.name for g in sdk.all_groups()} == {"All Users", "Fin", "Controllers"}

    assert (
        sdk.add_group_user(group.id, models40.GroupIdForGroupUserInclusion(user_id="3")).id == "3"
    )
    assert [u.id for u in sdk.all_group_users(group.id)] == ["3"]
    added = sdk.add_group_group(group.id, models40.GroupIdForGroupInclusion(group_id=inner.id))
    assert added.id == inner.id
    assert [g.id for g in sdk.all_group_groups(group.id)] == [inner.id]
    assert [g.name for g in sdk.set_role_groups(role.id, [group.id])] == ["Fin"]
    assert [g.id for g in sdk.role_groups(role.id)] == [group.id]
    [fin] = sdk.search_groups_with_hierarchy(name="Fin")
    assert fin.role_ids == [role.id]
    [controllers] = sdk.search_groups_with_hierarchy(name="Controllers")
    assert controllers.parent_group_ids == [group.id]
    assert [u.id for u in sdk.set_role_users(role.id, ["4"])] == ["3", "4"]
    assert [u.id for u in sdk.role_users(role.id, direct_association_only=True)] == ["4"]
    assert "Analysts" in [r.name for r in sdk.user_roles("3")]
    assert sdk.user("3").group_ids == ["1", group.id]

    [attribute] = [a for a in sdk.all_user_attributes() if a.name == "locale"]
    assert attribute.id is not None
    values = sdk.set_user_attribute_group_values(
        attribute.id, [models40.UserAttributeGroupValue(group_id=group.id, value="fr_FR")]
    )
    assert [(v.group_id, v.value) for v in values] == [(group.id, "fr_FR")]
    assert [v.value for v in sdk.all_user_attribute_group_values(attribute.id)] == ["fr_FR"]

    sdk.delete_group_from_group(group.id, inner.id)
    sdk.delete_group_user(group.id, "3")
    assert sdk.all_group_users(group.id) == []
    sdk.delete_group(group.id)
    sdk.delete_role(role.id)
    with pytest.raises(SDKError, match="Not found"):
        sdk.group(group.id)
    state = emulator.control.state()
    assert [g["name"] for g in state["groups"]] == ["All Users", "Controllers"]
    assert "Analysts" not in [r["name"] for r in state["roles"]]


def test_a_persons_life(sdk: Looker40SDK, emulator: EmulatorProcess) -> None:
    """A user as looker-sdk makes, reads, changes, searches and deletes one, with its email
    credentials and the setup email Looker sends."""
    made = sdk.create_user(
        models40.WriteUser(
            first_name="Dana",
            last_name="Scully",
            locale="en_US",
            credentials_email=models40.WriteCredentialsEmail(email="dana@fbi.gov"),
        )
    )
    assert made.id is not None
    assert (made.display_name, made.email, made.locale) == ("Dana Scully", "dana@fbi.gov", "en_US")
    assert made.credentials_email is not None
    assert made.credentials_email.email == "dana@fbi.gov"
    changed = sdk.update_user(made.id, models40.WriteUser(first_name="Fox", is_disabled=True))
    assert (changed.display_name, changed.is_disabled) == ("Fox Scully", True)
    assert sdk.user(made.id).first_name == "Fox"
    assert [u.id for u in sdk.search_users(first_name="fo%", is_disabled=True)] == [made.id]
    assert [u.email for u in sdk.search_users(email="DANA@%", fields="email")] == ["dana@fbi.gov"]
    listed = sdk.all_users(ids=models40.DelimSequence([made.id, "2"]), fields="id,email")
    assert [(u.id, u.email) for u in listed] == [
        ("2", "ada.lovelace@example.com"),
        (made.id, "dana@fbi.gov"),
    ]

    assert sdk.user_credentials_email(made.id).email == "dana@fbi.gov"
    renamed = sdk.update_user_credentials_email(
        made.id, models40.WriteCredentialsEmail(email="fox@fbi.gov")
    )
    assert renamed.email == "fox@fbi.gov"
    with pytest.raises(SDKError, match="already has email credentials"):
        sdk.create_user_credentials_email(made.id, models40.WriteCredentialsEmail(email="x@y.z"))
    sent = sdk.send_user_credentials_email_password_reset(made.id)
    assert sent.account_setup_url is not None
    assert sent.account_setup_url_expired is False
    assert emulator.control.state()["emails"] == [
        {"user_id": made.id, "email": "fox@fbi.gov", "kind": "account_setup"}
    ]
    sdk.delete_user_credentials_email(made.id)
    with pytest.raises(SDKError, match="Not found"):
        sdk.user_credentials_email(made.id)
    again = sdk.create_user_credentials_email(
        made.id, models40.WriteCredentialsEmail(email="mulder@fbi.gov")
    )
    assert again.email == "mulder@fbi.gov"
    with pytest.raises(SDKError, match="Validation Failed"):
        sdk.update_user_credentials_email(
            "2", models40.WriteCredentialsEmail(email="mulder@fbi.gov")
        )

    sdk.delete_user(made.id)
    with pytest.raises(SDKError, match="Not found"):
        sdk.user(made.id)
    with pytest.raises(SDKError, match="cannot delete themselves"):
        sdk.delete_user("1")


def test_attribute_values_of_users_and_groups(sdk: Looker40SDK, emulator: EmulatorProcess) -> None:
    """A user's own value and a group's, set and deleted as looker-sdk does, and the value
    each user gets."""
    attribute = sdk.create_user_attribute(
        models40.WriteUserAttribute(
            name="region", label="Region", type="string", default_value="EU"
        )
    )
    group = sdk.create_group(models40.WriteGroup(name="Sales"))
    assert attribute.id is not None
    assert group.id is not None
    sdk.add_group_user(group.id, models40.GroupIdForGroupUserInclusion(user_id="3"))
    ids = models40.DelimSequence([attribute.id])

    def value_of(user_id: str) -> tuple[str | None, str | None]:
        [value] = sdk.user_attribute_user_values(user_id, user_attribute_ids=ids)
        return value.value, value.source

    assert value_of("3") == ("EU", "default")
    set_for_group = sdk.update_user_attribute_group_value(
        group.id, attribute.id, models40.UserAttributeGroupValue(value="US")
    )
    assert (set_for_group.group_id, set_for_group.value, set_for_group.rank) == (group.id, "US", 1)
    [body] = [r["body"] for r in emulator.control.requests() if r["method"] == "PATCH"]
    assert body == {"value": "US"}  # what looker-sdk sends of a UserAttributeGroupValue
    assert value_of("3") == ("US", "group")
    assert value_of("2") == ("EU", "default")
    own = sdk.set_user_attribute_user_value(
        "3", attribute.id, models40.WriteUserAttributeWithValue(value="APAC")
    )
    assert (own.value, own.source, own.user_id) == ("APAC", "user", "3")
    every = sdk.user_attribute_user_values("3", user_attribute_ids=ids, all_values=True)
    assert [(v.value, v.source) for v in every] == [
        ("APAC", "user"),
        ("US", "group"),
        ("EU", "default"),
    ]
    sdk.delete_user_attribute_user_value("3", attribute.id)
    assert value_of("3") == ("US", "group")
    sdk.delete_user_attribute_group_value(group.id, attribute.id)
    assert value_of("3") == ("EU", "default")
    assert sdk.all_user_attribute_group_values(attribute.id) == []
    unset = sdk.user_attribute_user_values(
        "2", user_attribute_ids=models40.DelimSequence(["1"]), include_unset=True
    )
    assert [(v.name, v.value, v.source) for v in unset] == [("email", None, None)]
