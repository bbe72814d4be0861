"""``pulumi-looker``: the project's command line (``adopt``, ``plan``)."""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pulumi_looker.errors import LookerError
from pulumi_looker.files import write_atomically
from pulumi_looker.settings import ConnectionSettings

from . import adopt, from_terraform, plan, stack_file, terraform_state
from .terraform_state import TerraformStateError


class CommandError(Exception):
    """What the user gave a command cannot be used (a file that is not what it should be)."""


#: The exit status of an adoption from Terraform that skipped a resource (each is said).
SKIPPED = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pulumi-looker")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="say each retry and call on stderr"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    adopting = commands.add_parser(
        "adopt",
        help="write a stack's config from a live Looker instance, so that `pulumi up` adopts "
        "what it has and writes nothing",
        description="Reads the live password and session policies and API keys, and adds to "
        "stacks/Pulumi.<stack>.yaml whatever it does not declare yet (keeping its other keys, "
        "its comments and every entry it has). The connection comes from the stack's config, "
        "LOOKERSDK_* and looker.ini, as for the provider; never from the command line.",
    )
    adopting.add_argument("--stack", required=True, help="the stack whose config to write")
    users = adopting.add_mutually_exclusive_group()
    users.add_argument(
        "--user", action="append", default=[], metavar="ID", help="adopt this user's keys"
    )
    users.add_argument("--all-users", action="store_true", help="adopt every user's keys")
    adopting.add_argument(
        "--include-connection-key",
        action="store_true",
        help="adopt the key this connection logs in with too (left out by default: rotating "
        "the connection's key would otherwise break the stack)",
    )
    adopting.add_argument("--profile", help="the connection profile (stack config looker-NAME)")
    adopting.add_argument(
        "--stdout", action="store_true", help="print the stack file instead of writing it"
    )
    adopting.add_argument(
        "--import-file",
        type=Path,
        metavar="FILE",
        help="for a stack of the provider plugin (looker:index:*): write a `pulumi import "
        "--file FILE` document of what the instance has instead of stack config",
    )
    adopting.add_argument(
        "--project", type=Path, default=Path(), help="the project's directory (default: here)"
    )
    adopting.add_argument(
        "--from-terraform",
        type=Path,
        metavar="STATE",
        help="adopt what a Terraform state manages (terraform.tfstate, or the JSON of "
        "`terraform show -json`; providers hirosassa/looker, devoteamgcloud/looker, "
        "zendesk/looker), named as Terraform names it; prints the `terraform state rm` lines "
        f"that hand it over. Exit status {SKIPPED} when a resource was skipped",
    )
    planning = commands.add_parser(
        "plan",
        help="the per-field changes of a `pulumi preview --json`, as Markdown or JSON",
        description="Reads the JSON that `pulumi preview --json` prints (a file, or - for "
        "standard input) and prints each changed field of each Looker resource: resource, "
        "change, field, old and new value, secrets masked. Drift found by the preview's refresh "
        "is listed as `drift`.",
    )
    planning.add_argument("preview", help="the JSON file, or - for standard input")
    planning.add_argument("--format", choices=("markdown", "json"), default="markdown")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(format="pulumi-looker: %(message)s")
    logging.getLogger("pulumi_looker").setLevel(logging.DEBUG if args.verbose else logging.ERROR)
    try:
        return _plan(args) if args.command == "plan" else _adopt(args)
    except (
        LookerError,
        stack_file.StackFileError,
        CommandError,
        TerraformStateError,
        OSError,
    ) as error:
        print(f"pulumi-looker {args.command}: error: {error}", file=sys.stderr)
        return 1


def _plan(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.preview == "-" else Path(args.preview).read_text("utf-8")
    try:
        preview = json.loads(text)
    except ValueError:
        raise CommandError(f"{args.preview} is not the JSON of `pulumi preview --json`") from None
    found = plan.changes(preview)
    sys.stdout.write(plan.as_json(found) if args.format == "json" else plan.markdown(found))
    return 0


def _adopt(args: argparse.Namespace) -> int:
    from pulumi_looker.client import LookerClient  # HTTP only when a command talks to Looker

    project = stack_file.Project(args.project)
    path = project.stack_file(args.stack)
    document = stack_file.load(path)
    config = project.config(args.stack)
    resources = terraform_state.read(args.from_terraform) if args.from_terraform else None
    settings = ConnectionSettings.resolve(profile=args.profile, config=config)
    if resources is not None:
        return _from_terraform(args, project, document, settings, resources)
    progress = adopt.Progress()
    with LookerClient(settings) as client:
        instance = adopt.read_instance(
            client,
            None if args.all_users else args.user,
            progress,
            None if args.include_connection_key else settings.client_id,
            f"{project.name}/{args.stack}",
        )
    if args.import_file:
        found = adopt.import_document(instance, project.held_ids(args.stack))
        write_atomically(args.import_file, json.dumps(found, indent=1) + "\n")
        recorded = project.recorded_connection(args.stack)  # the default provider's
        stale = adopt.stale_connection(recorded, config) if recorded and not args.profile else []
        if stale:
            print(
                f"pulumi-looker adopt: the stack's state holds {', '.join(stale)} as of its "
                "last `pulumi up`, not as the config has it now, and `pulumi import` connects "
                "with what the state holds: run `pulumi refresh --run-program --yes` first, "
                "which records today's (no write to Looker)",
                file=sys.stderr,
            )
        print(
            f"pulumi-looker adopt: {len(found['resources'])} resources in {args.import_file}; "
            f"import them with `pulumi import --file {args.import_file}`",
            file=sys.stderr,
        )
        return 0
    added = adopt.merge(
        document["config"],
        project.name,
        instance,
        project.created_ids(args.stack),
        args.profile,
    )
    text = stack_file.dump(document)
    for note in instance.notes:
        print(f"pulumi-looker adopt: {note}", file=sys.stderr)
    if args.stdout:
        sys.stdout.write(text)
    elif added:
        write_atomically(path, text)
    if not args.user and not args.all_users:
        print("pulumi-looker adopt: no --user or --all-users: no API keys read", file=sys.stderr)
    where = "stdout" if args.stdout else str(path)
    print(f"pulumi-looker adopt: {len(added)} added to {where}", file=sys.stderr)
    return 0


def _from_terraform(
    args: argparse.Namespace,
    project: stack_file.Project,
    document: Any,
    settings: ConnectionSettings,
    resources: list[terraform_state.TerraformResource],
) -> int:
    """Adopt what the Terraform state manages; say each resource skipped and why; print the
    `terraform state rm` lines. Secrets from the state are set encrypted, never printed."""
    from pulumi_looker.client import LookerClient

    if args.user or args.all_users:
        raise CommandError("--from-terraform adopts the state's keys: drop --user/--all-users")
    taken = from_terraform.claims(resources)
    names = {r.address: from_terraform.resource_name(r) for r in resources}
    with LookerClient(settings) as client:
        adoption = from_terraform.adopt(client, taken, names)
    say = functools.partial(print, file=sys.stderr)
    for item in adoption.adopted:
        for note in item.notes:
            say(f"pulumi-looker adopt: {' '.join(item.addresses)}: {note}")
    for skipped in adoption.skipped:
        say(f"pulumi-looker adopt: skipped {skipped.address}: {skipped.reason}")
    if args.import_file:
        found = from_terraform.import_document(adoption, project.held_ids(args.stack))
        write_atomically(args.import_file, json.dumps(found, indent=1) + "\n")
        for item in adoption.adopted:
            secrets = {**{n: str(item.inputs[n]) for n in item.secrets}, **item.kept}
            _keep(args, project, item, secrets)
        say(
            f"pulumi-looker adopt: {len(found['resources'])} resources in {args.import_file}; "
            f"import them with `pulumi import --file {args.import_file}`"
        )
    else:
        config = document["config"]
        merged = from_terraform.merge(config, project.name, adoption, args.profile)
        for note in merged.notes:
            say(f"pulumi-looker adopt: {note}")
        path = project.stack_file(args.stack)
        text = stack_file.dump(document)
        if args.stdout:
            sys.stdout.write(text)
            if merged.secrets or any(item.kept for item in adoption.adopted):
                say("pulumi-looker adopt: secrets left out (without --stdout: set encrypted)")
        elif merged.added:
            write_atomically(path, text)
            for key, value in merged.secrets:
                project.set_secret(args.stack, key, value, path=True)
            for item in adoption.adopted:
                _keep(args, project, item, item.kept)
        where = "stdout" if args.stdout else str(path)
        say(f"pulumi-looker adopt: {len(merged.added)} added to {where}")
    lines = from_terraform.state_rm(adoption)
    if lines:
        say("pulumi-looker adopt: then hand each resource over, so that Terraform forgets it:")
        print("\n".join(lines), file=sys.stderr if args.stdout else sys.stdout)
    return SKIPPED if adoption.skipped else 0


def _keep(
    args: argparse.Namespace,
    project: stack_file.Project,
    item: from_terraform.Adopted,
    secrets: Mapping[str, str],
) -> None:
    """Set each secret apart in the stack's config, encrypted, and say where (not what)."""
    for name, value in secrets.items():
        key = from_terraform.secret_key(project.name, item, name)
        project.set_secret(args.stack, key, value, path=False)
        print(
            f"pulumi-looker adopt: {item.name}'s {name} is in config {key} (secret)",
            file=sys.stderr,
        )


if __name__ == "__main__":
    sys.exit(main())
