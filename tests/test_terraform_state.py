"""Reading a Terraform state, in both forms Terraform writes: ``terraform.tfstate`` (version 4)
and ``terraform show -json``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pulumi_looker.cli import terraform_state
from pulumi_looker.cli.terraform_state import TerraformStateError

PROVIDER = 'provider["registry.terraform.io/hirosassa/looker"]'


def test_a_state_file_of_version_4(tmp_path: Path) -> None:
    state = {
        "version": 4,
        "terraform_version": "1.9.5",
        "serial": 3,
        "lineage": "0e1f",
        "outputs": {},
        "resources": [
            {
                "mode": "data",
                "type": "looker_role",
                "name": "admin",
                "provider": PROVIDER,
                "instances": [{"attributes": {"id": "2"}}],
            },
            {
                "mode": "managed",
                "type": "looker_group",
                "name": "teams",
                "module": "module.access",
                "provider": PROVIDER,
                "instances": [
                    {"index_key": "eu", "attributes": {"id": "7", "name": "EU"}},
                    {"index_key": "us", "attributes": {"id": "8", "name": "US"}},
                ],
            },
        ],
    }
    path = tmp_path / "terraform.tfstate"
    path.write_text(json.dumps(state))
    found = terraform_state.read(path)
    assert [(r.address, r.type, r.provider, r.attributes["id"]) for r in found] == [
        ('module.access.looker_group.teams["eu"]', "looker_group", "hirosassa/looker", "7"),
        ('module.access.looker_group.teams["us"]', "looker_group", "hirosassa/looker", "8"),
    ]


def test_the_json_of_terraform_show(tmp_path: Path) -> None:
    shown = {
        "format_version": "1.0",
        "terraform_version": "1.9.5",
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": "looker_permission_set.analysts",
                        "mode": "managed",
                        "type": "looker_permission_set",
                        "name": "analysts",
                        "provider_name": "registry.terraform.io/devoteamgcloud/looker",
                        "values": {"id": "9", "name": "Analysts"},
                    }
                ],
                "child_modules": [
                    {
                        "address": "module.people",
                        "resources": [
                            {
                                "address": "module.people.looker_user.ana[0]",
                                "mode": "managed",
                                "type": "looker_user",
                                "name": "ana",
                                "index": 0,
                                "provider_name": "registry.terraform.io/devoteamgcloud/looker",
                                "values": {"id": "12", "email": "ana@example.com"},
                            }
                        ],
                    }
                ],
            }
        },
    }
    path = tmp_path / "shown.json"
    path.write_text(json.dumps(shown))
    found = terraform_state.read(path)
    assert [(r.address, r.provider) for r in found] == [
        ("looker_permission_set.analysts", "devoteamgcloud/looker"),
        ("module.people.looker_user.ana[0]", "devoteamgcloud/looker"),
    ]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("not json", "not a Terraform state in JSON"),
        ("[]", "not a Terraform state (not a JSON object)"),
        ('{"version": 3, "modules": []}', "of format version 3; this reads version 4"),
    ],
)
def test_what_is_not_a_state_is_said(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "terraform.tfstate"
    path.write_text(text)
    with pytest.raises(TerraformStateError, match=re.escape(said)):
        terraform_state.read(path)
