"""`pulumi-looker adopt --from-terraform` without the CLI: what each provider's resources become,
the calls it makes (listings only, no write), the links, the names, what it skips and why."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_looker.cli import command, from_terraform, terraform_state
from pulumi_looker.cli.terraform_state import TerraformResource
from pulumi_looker.client import LookerClient
from tests.support.clients import ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, fast_retry, settings_for
from tests.support.looker import writes

STATES = Path(__file__).parent / "terraform"
SEED = STATES / "organisation.yaml"
API = "/api/4.0"


@pytest.fixture(autouse=True)
def _logging_as_it_was() -> Iterator[None]:
    """The command sets the package's log level, as a program's entry point does; the tests
    after these in the process see it as it was."""
    logger = logging.getLogger("pulumi_looker")
    level = logger.level
    yield
    logger.setLevel(level)


@pytest.fixture
def organisation(start_emulator):
    """The emulator holding what the three states manage (ids as they hold them)."""
    return start_emulator("--users", "0", "--seed", str(SEED))


def adopted(looker, state: str) -> from_terraform.Adoption:
    resources = terraform_state.read(STATES / state)
    names = {r.address: from_terraform.resource_name(r) for r in resources}
    with LookerClient(settings_for(looker), retry=fast_retry()) as client:
        return from_terraform.adopt(client, from_terraform.claims(resources), names)


def entries(adoption: from_terraform.Adoption) -> dict[tuple[str, str], dict[str, Any]]:
    return {(i.kind.name, i.name): e for i, e in from_terraform.linked(adoption)}


#: What every state's small organisation becomes (hirosassa names its groups one by one,
#: devoteam and zendesk with for_each).
SHARED = {
    ("PermissionSet", "analysts"): {
        "permissionSetName": "Analysts",
        "permissions": ["access_data", "explore", "see_looks"],
        "permissionSetId": "5",
    },
    ("ModelSet", "marketing"): {
        "modelSetName": "Marketing",
        "models": ["thelook"],
        "modelSetId": "2",
    },
    # The references between Terraform's resources are links between the entries.
    ("Role", "analyst"): {
        "roleName": "Analyst",
        "roleId": "5",
        "permissionSet": "analysts",
        "modelSet": "marketing",
    },
}


@pytest.mark.parametrize(
    ("state", "finance", "contractors"),
    [
        ("hirosassa.tfstate", "finance", "contractors"),
        ("devoteam.tfstate", "teams-finance", "teams-contractors"),
        ("zendesk-show.json", "teams-finance", "teams-contractors"),
    ],
)
def test_each_provider_s_organisation_is_read_in_listings_and_linked(
    organisation, state, finance, contractors
) -> None:
    organisation.control.clear_requests()
    adoption = adopted(organisation, state)
    calls = organisation.control.calls()
    assert writes(organisation) == []
    # One listing per kind, as a refresh reads them, and the reads Looker has no listing for:
    # the attribute's group values, Ana's own value (hirosassa), the settings (zendesk).
    listings = {
        (
            "GET",
            f"{API}/{p}",
        ): 1
        for p in (
            "permission_sets",
            "model_sets",
            "roles",
            "groups",
            "users",
            "groups/search/with_hierarchy",
            "user_attributes",
            "user_attributes/8/group_values",
            "connections",
        )
    }
    extra = {
        "hirosassa.tfstate": {("GET", f"{API}/users/2/attribute_values"): 1},
        "devoteam.tfstate": {},
        "zendesk-show.json": {("GET", f"{API}/setting"): 1},
    }[state]
    assert calls == {("POST", f"{API}/login"): 1, **listings, **extra}

    found = entries(adoption)
    for key, entry in SHARED.items():
        assert found[key] == entry
    assert found[("Group", finance)] == {
        "groupName": "Finance",
        "canAddToContentMetadata": False,
        "groupId": "2",
    }
    assert found[("User", "ana")] == {
        "firstName": "Ana",
        "lastName": "Lima",
        "isDisabled": False,
        "email": "ana@example.com",
        "userId": "2",
        "roles": ["analyst"],
        "groups": [finance],
    }
    assert found[("User", "ben")]["roleIds"] == ["1"]  # a role no resource holds: by id
    memberships = [e for (k, _), e in found.items() if k == "GroupMembership"]
    assert [{k: v for k, v in m.items() if k != "authoritative"} for m in memberships] == [
        {"group": finance, "users": ["ana", "ben"], "groups": [contractors]}
    ]
    # hirosassa's membership replaces the group's members; devoteam's adds its own.
    assert memberships[0].get("authoritative", False) == (state == "hirosassa.tfstate")
    [assignment] = [e for (k, _), e in found.items() if k == "RoleAssignment"]
    assert assignment == {"role": "analyst", "groups": [finance]}
    [values] = [e for (k, _), e in found.items() if k == "UserAttributeGroupValues"]
    assert values == {"values": [{"group": finance, "value": "US"}], "userAttribute": "region"}
    [connection] = [e for (k, _), e in found.items() if k == "Connection"]
    assert connection["password"] == "terraform-wrote-this"
    resources = terraform_state.read(STATES / state)
    assert "terraform-wrote-this" not in repr(adoption) + repr(resources)  # never in a repr
    assert connection["secretsInLooker"] is True
    assert connection["connectionId"] == "warehouse"
    assert {s.address for s in adoption.skipped} == (
        {"module.data.looker_lookml_model.thelook"}
        if state == "hirosassa.tfstate"
        else {"looker_project.thelook"}
    )


def test_hirosassa_s_own_resources(organisation) -> None:
    """A user's roles join its user; values for a user and a group; a service account; a
    connection in a module takes the module's name."""
    adoption = adopted(organisation, "hirosassa.tfstate")
    found = entries(adoption)
    [ana] = [i for i in adoption.adopted if i.name == "ana"]
    assert ana.addresses == ("looker_user.ana", "looker_user_roles.ana")
    assert found[("UserAttributeUserValue", "ana_region")] == {
        "value": "APAC",
        "user": "ana",
        "userAttribute": "region",
    }
    assert found[("ServiceAccount", "etl")] == {
        "userId": "4",
        "serviceAccountName": "ETL bot",
        "isDisabled": False,
        "roles": ["Analyst"],
    }
    assert ("Connection", "data-warehouse") in found
    assert {i.name: i.import_id for i in adoption.adopted}.items() >= {
        "ana_region": "user_attribute_user_value/2/8",
        "finance_region": "user_attribute_group_values/8",
        "etl": "service_account/4",
        "data-warehouse": "connection/warehouse",
        "marketing": "model_set/2",
    }.items()
    [assignment] = [i for i in adoption.adopted if i.kind.name == "RoleAssignment"]
    assert assignment.notes == (
        "declared additive: authoritative, a RoleAssignment owns the role's users too",
    )
    lines = from_terraform.state_rm(adoption)
    assert "terraform state rm module.data.looker_connection.warehouse" in lines
    assert "terraform state rm looker_user_roles.ana" in lines
    assert len(lines) == 15  # every managed resource but the LookML model


def test_zendesk_s_settings_and_key(organisation) -> None:
    adoption = adopted(organisation, "zendesk-show.json")
    found = entries(adoption)
    assert found[("InstanceSettings", "main")]["timezone"] == "America/Los_Angeles"
    assert found[("ApiCredential", "etl")] == {
        "userId": "4",
        "credentialsApi3Id": "2",
        "purpose": "ETL",
    }
    [key] = [i for i in adoption.adopted if i.kind.name == "ApiCredential"]
    assert key.import_id == "4/2"
    # No input takes a key's secret (Looker makes it): it is kept apart, in config, encrypted.
    assert key.kept == {"client_secret": "key-secret-from-terraform"}
    assert from_terraform.secret_key("p", key, "client_secret") == "p:etlClientSecret"
    assert "key-secret-from-terraform" not in json.dumps(list(found.values()))


def resource(
    type_: str,
    attributes: dict[str, Any],
    provider: str = "hirosassa/looker",
    address: str | None = None,
    name: str = "x",
) -> TerraformResource:
    return TerraformResource(address or f"{type_}.{name}", type_, name, provider, attributes)


def test_ids_in_every_form_the_providers_wrote() -> None:
    taken = from_terraform.claims(
        [
            resource("looker_group", {"id": 7}),  # a number: an old state
            resource("looker_group_membership", {"id": "7:42"}, address="old"),  # < v0.7.0
            resource("looker_user_attribute_user_value", {"id": "42:9"}, address="u"),
            resource("looker_user_attribute_group_value", {"id": "7:9"}, address="g"),
            resource("looker_api_credentials", {"id": "3", "user_id": 0}, "zendesk/looker"),
            resource(
                "looker_group_member",
                {"id": "-", "target_group_id": "7", "user": [{"id": "42"}]},
                "devoteamgcloud/looker",
            ),
            resource(
                "looker_role_member",
                {"role_id": "5", "group": [{"id": "7"}]},
                "devoteamgcloud/looker",
            ),
            resource("google_sql_database", {"id": "x"}, "hashicorp/google"),
            resource("looker_group", {"id": "8"}, "acme/looker", address="other"),
        ]
    )
    assert [(c.kind, c.looker_id, c.members) for c in taken.claims] == [
        ("Group", "7", None),
        ("GroupMembership", "7", {"user_ids": ("42",)}),
        ("UserAttributeUserValue", "42/9", None),
        ("UserAttributeGroupValues", "9", None),
        ("GroupMembership", "7", {"user_ids": ("42",), "group_ids": ()}),
        ("RoleAssignment", "5", {"group_ids": ("7",)}),
    ]
    assert [(s.address, s.reason) for s in taken.skipped] == [
        (
            "looker_api_credentials.x",
            "no user_id: the state holds no user (an imported key's is 0)",
        ),
        (
            "other",
            "provider 'acme/looker' is none of those this reads (hirosassa/looker, "
            "devoteamgcloud/looker, zendesk/looker)",
        ),
    ]


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("looker_group.finance_team", "finance_team"),
        ('looker_group.teams["eu west"]', "teams-eu-west"),
        ("looker_group.teams[0]", "teams-0"),
        ('module.access["eu"].module.people.looker_group.teams', "access-eu-people-teams"),
    ],
)
def test_names_follow_terraform_s(address: str, name: str) -> None:
    tf_name = address.rpartition("looker_group.")[2].partition("[")[0]
    found = resource("looker_group", {}, address=address, name=tf_name)
    assert from_terraform.resource_name(found) == name


def test_merge_leaves_declared_entries_and_takes_secrets_out(organisation) -> None:
    adoption = adopted(organisation, "devoteam.tfstate")
    config: dict[str, Any] = {"p:groups": [{"name": "teams-finance", "groupId": "2"}]}
    merged = from_terraform.merge(config, "p", adoption, profile=None)
    assert config["p:groups"][0] == {"name": "teams-finance", "groupId": "2"}  # as it was
    assert "p:groups teams-finance: the stack declares it already; left as it is" in merged.notes
    assert "p:groups teams-contractors" in merged.added
    [connection] = config["p:connections"]
    assert "password" not in connection
    assert connection["secretsInLooker"] is True
    assert merged.secrets == (("p:connections[0].password", "terraform-wrote-this"),)


def write_project(tmp_path: Path) -> Path:
    tmp_path.mkdir()
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    return tmp_path


def test_a_group_looker_lacks_and_a_type_we_do_not_manage_are_skipped_by_address(
    organisation, tmp_path, monkeypatch, capsys
) -> None:
    """Exit status 3; each skipped resource named with why; Looker unchanged; what is taken
    still adopted, and its `terraform state rm` lines printed."""
    state = json.loads((STATES / "hirosassa.tfstate").read_text())
    group = next(r for r in state["resources"] if r["type"] == "looker_group")
    group["instances"][0]["attributes"]["id"] = "99"
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    monkeypatch.setenv("LOOKERSDK_BASE_URL", organisation.url)
    monkeypatch.setenv("LOOKERSDK_CLIENT_ID", ADMIN_CLIENT_ID)
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", ADMIN_CLIENT_SECRET)
    monkeypatch.setenv("PATH", "/nonexistent")  # no pulumi CLI: the stack file as it is
    project = write_project(tmp_path / "project")
    organisation.control.clear_requests()
    args = ["--stack", "dev", "--project", str(project), "--from-terraform", str(path)]
    status = command.main(["adopt", *args, "--stdout"])
    said = capsys.readouterr()
    assert status == command.SKIPPED == 3
    assert writes(organisation) == []
    assert (
        "pulumi-looker adopt: skipped looker_group.finance: Looker has no group 99 "
        "(nothing was adopted)"
    ) in said.err
    assert (
        "pulumi-looker adopt: skipped module.data.looker_lookml_model.thelook: a LookML model: "
        "pulumi-looker does not manage it (yet)"
    ) in said.err
    config = yaml.safe_load(said.out.split("terraform state rm")[0])["config"]
    # The membership keeps its group's id: no adopted group to link it to.
    assert [m.get("groupId") for m in config["p:groupMemberships"]] == ["2"]
    assert "terraform-wrote-this" not in said.out + said.err
    assert "secrets left out (without --stdout: set encrypted)" in said.err
    assert "terraform state rm looker_group.finance" not in said.err + said.out
    assert "terraform state rm looker_group.contractors" in said.err


def test_a_file_that_is_no_terraform_state_fails_in_one_line(tmp_path, capsys) -> None:
    path = tmp_path / "state.json"
    path.write_text('{"version": 3}')
    project = write_project(tmp_path / "project")
    status = command.main(
        ["adopt", "--stack", "dev", "--project", str(project), "--from-terraform", str(path)]
    )
    assert status == 1
    assert "format version 3" in capsys.readouterr().err


def test_group_values_looker_no_longer_has_are_said_without_their_values(
    organisation, tmp_path
) -> None:
    state = json.loads((STATES / "hirosassa.tfstate").read_text())
    [value] = [r for r in state["resources"] if r["type"] == "looker_user_attribute_group_value"]
    value["instances"][0]["attributes"] |= {"group_id": "3", "id": "3:8", "value": "secret-x"}
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    resources = [
        r for r in terraform_state.read(path) if r.type == "looker_user_attribute_group_value"
    ]
    with LookerClient(settings_for(organisation), retry=fast_retry()) as client:
        adoption = from_terraform.adopt(
            client, from_terraform.claims(resources), {r.address: r.name for r in resources}
        )
    [item] = adoption.adopted
    assert item.inputs["values"] == [{"group_id": "2", "value": "US"}]  # as Looker has them
    assert item.notes == ("values: Looker gives group 3 no value of it any more; left out",)
