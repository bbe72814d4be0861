"""A real ``pulumi preview`` of resources whose inputs come from resources not made yet: the
engine gives those inputs as unknown, and the preview shows what will be made, on both faces."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_plugin import example_stack
from tests.support.looker import ACCOUNTS, CREDENTIALS, writes

pytestmark = pytest.mark.e2e


def created(preview: str, type_: str, name: str) -> dict[str, str]:
    """The scalar inputs ``preview --diff`` shows for the resource it will create."""
    block = re.search(
        rf"\+ {re.escape(type_)}: \(create\)\n\s+\[urn=\S+::{re.escape(name)}\]\n"
        r"((?:\s{4,}\S.*\n)*?)\s*(?:\+ |--outputs)",
        preview,
    )
    assert block is not None, preview
    fields = re.findall(r"^\s+(\w+)\s*: (.+)$", block.group(1), re.MULTILINE)
    return {k: v.strip() for k, v in fields if v.strip() not in ("[", "{")}


def test_a_new_service_account_and_its_key_preview_together_on_the_python_face(dev, looker) -> None:
    """README's stack config: a key of a service account the same up makes (its user id is
    unknown until then)."""
    dev.set_config(
        {
            ACCOUNTS: [
                {"name": "etl-bot", "serviceAccountName": "ETL bot", "roles": ["Developer"]}
            ],
            CREDENTIALS: [{"name": "etl-bot-key", "serviceAccount": "etl-bot", "purpose": "ETL"}],
        }
    )
    looker.control.clear_requests()
    out = dev.preview().stdout
    assert created(out, "pulumi-python:dynamic/looker:ServiceAccount", "etl-bot") == {
        "service_account_name": '"ETL bot"',
        "is_disabled": "false",
    }
    key = created(out, "pulumi-python:dynamic/looker:ApiCredential", "etl-bot-key")
    assert key == {"user_id": "[unknown]", "purpose": '"ETL"'}
    assert writes(looker) == []
    dev.up()
    [account] = [u for u in looker.control.state()["users"] if u.get("is_service_account")]
    assert any(k["user_id"] == account["id"] for k in looker.control.state()["credentials_api3"])
    dev.preview("--expect-no-changes")


def test_a_new_service_account_and_its_key_preview_together_on_the_plugin(
    tmp_path, pulumi_home, looker
) -> None:
    """examples/yaml-bots: ``userId: ${ci-bot.userId}`` is unknown at the first preview."""
    bots = example_stack(tmp_path, pulumi_home, looker, "yaml-bots")
    looker.control.clear_requests()
    out = bots.preview().stdout
    assert created(out, "looker:index:ServiceAccount", "ci-bot")["serviceAccountName"] == (
        '"CI deploy bot"'
    )
    key = created(out, "looker:index:ApiCredential", "ci-bot-key")
    assert (key["userId"], key["purpose"]) == ("[unknown]", '"CI deploy bot"')
    assert writes(looker) == []
    bots.up()
    bots.preview("--expect-no-changes")
