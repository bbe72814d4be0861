"""``looker-emulator``: serve the emulated Looker API on loopback."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import yaml

from pulumi_looker import models

from .faults import HELP, Faults
from .state import Store

if TYPE_CHECKING:
    import uvicorn

#: What the extra ``emulator`` brings: without it the emulator cannot serve.
SERVER_MODULES = ("starlette", "uvicorn")
#: How long a stopping emulator waits for the requests it is answering.
GRACEFUL_SHUTDOWN_SECONDS = 2

_CONTROL_ROUTES = """\
control routes (outside /api, for tests and demos; JSON):
  GET|DELETE /_emulator/requests      the request log (method, path, status, time, PATCH
                                      bodies), or clear it
  GET|PATCH|DELETE /_emulator/faults  the periodic faults: change some, or end every fault
  POST /_emulator/faults/aimed        aim one fault at a method and path pattern, e.g.
                                      {"kind": "error", "method": "POST", "path":
                                      "/api/4.0/users/*/credentials_api3", "times": 1}
                                      (kinds: latency, rate_limit, error, drop, lose, revoke,
                                      crash)
  GET|DELETE /_emulator/sessions      the access tokens issued, or revoke them all
  GET /_emulator/state                what the instance holds (secrets only as hashes), and
                                      "emails": each email Looker would have sent
  POST /_emulator/seed                add what a seed holds (as --seed: policies, permission
                                      sets, model sets, roles, groups, user attributes,
                                      users with emails and attribute values, keys,
                                      connections, SAML, OIDC and LDAP configurations)
  GET|PUT /_emulator/servers          the LDAP and database hosts Looker reaches:
                                      {"unreachable": ["db.gone"], "passwords":
                                      {"ldap.corp": "right"}} (others take any password)
  PATCH /_emulator/users/ID           {"is_admin": false} or {"deleted": true}
  PATCH /_emulator/keys/ID            {"age_days": 200}: as if created that long ago
  GET /_emulator/health               {"ok": true}
Python: pulumi_looker.emulator.control_client.EmulatorControlClient calls them.
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="looker-emulator",
        description="A local Looker API 4.0 for tests, benchmarks and demos. Prints its base URL "
        "once it serves.",
        epilog=_CONTROL_ROUTES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=19999, help="port (0 picks a free one)")
    parser.add_argument("--state-file", type=Path, help="keep the state here across restarts")
    parser.add_argument(
        "--admin-client-id",
        default=os.environ.get("LOOKERSDK_CLIENT_ID"),
        help="client id of the seeded admin's API key (default: $LOOKERSDK_CLIENT_ID)",
    )
    parser.add_argument(
        "--admin-client-secret",
        default=os.environ.get("LOOKERSDK_CLIENT_SECRET"),
        help="its client secret (default: $LOOKERSDK_CLIENT_SECRET)",
    )
    parser.add_argument(
        "--detach",
        action="store_true",
        help="serve in the background: print the base URL once it serves, then return",
    )
    parser.add_argument("--users", type=int, default=4, help="ordinary users to seed")
    parser.add_argument(
        "--seed",
        type=Path,
        metavar="FILE",
        help="start from a lived-in instance (YAML: policies, permission sets, model sets, roles, "
        "groups, users, keys; see Store.apply_seed)",
    )
    parser.add_argument(
        "--user-key",
        metavar="CLIENT_ID:CLIENT_SECRET",
        help="also give user 2, an ordinary (non-admin) user, this API key",
    )
    parser.add_argument("--ssl-certfile", help="serve HTTPS with this certificate (PEM)")
    parser.add_argument("--ssl-keyfile", help="the certificate's private key (PEM)")
    looker = parser.add_argument_group("which Looker to play")
    looker.add_argument(
        "--looker-version",
        default=models.API_RELEASE,
        help="the release: fields and endpoints newer than it are absent (default: %(default)s)",
    )
    looker.add_argument(
        "--google-cloud-core",
        action="store_true",
        help="refuse what Looker (Google Cloud core) may deny (the password policy)",
    )
    looker.add_argument(
        "--permission-404",
        action="store_true",
        help="answer 404 instead of 403 to a caller without the permission",
    )
    faults = parser.add_argument_group("fault injection (periodic; see also the control routes)")
    for field in attrs.fields(Faults):
        faults.add_argument(
            f"--{field.name.replace('_', '-')}",
            type=type(field.default),
            default=field.default,
            help=field.metadata[HELP],
        )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Run the emulator until interrupted; print its base URL once it serves."""
    parser = _parser()
    args = parser.parse_args(argv)
    missing = [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        parser.exit(
            1,
            f"looker-emulator: {' and '.join(missing)} missing: install the extra `emulator` "
            "(pip install 'pulumi-looker[emulator]')\n",
        )
    # The server's modules, now that they are known to be there.
    import uvicorn

    from .app import Emulator
    from .looker_api import Deployment

    if not args.admin_client_id or not args.admin_client_secret:
        parser.error("--admin-client-id and --admin-client-secret are required")
    if bool(args.ssl_certfile) != bool(args.ssl_keyfile):
        parser.error("--ssl-certfile and --ssl-keyfile go together")
    if not 0 <= args.port <= 65535 or args.users < 0:
        parser.error("--port must be 0..65535 and --users >= 0")
    user_key = None
    if args.user_key:
        client_id, sep, client_secret = args.user_key.partition(":")
        if not (sep and client_id and client_secret) or args.users < 1:
            parser.error("--user-key takes CLIENT_ID:CLIENT_SECRET, and needs --users >= 1")
        user_key = (client_id, client_secret)
    try:
        models.parse_release(args.looker_version)
    except ValueError as error:
        parser.error(f"--looker-version: {error}")
    deployment = Deployment(
        release=args.looker_version,
        google_cloud_core=args.google_cloud_core,
        not_found_for_forbidden=args.permission_404,
    )
    try:
        faults = Faults(**{field.name: getattr(args, field.name) for field in attrs.fields(Faults)})
    except ValueError as error:
        parser.error(str(error))
    seed = {
        "admin_client_id": args.admin_client_id,
        "admin_client_secret": args.admin_client_secret,
        "users": args.users,
        "user_key": user_key,
    }
    fresh = args.state_file is None or not args.state_file.exists()
    store = Store.open(args.state_file, **seed) if args.state_file else Store.seeded(**seed)
    lived_in: dict[str, Any] = {}
    if args.seed:
        try:
            lived_in = yaml.safe_load(args.seed.read_text(encoding="utf-8")) or {}
            if fresh:
                store.apply_seed(lived_in)
        except (OSError, ValueError, TypeError, KeyError, AttributeError, yaml.YAMLError) as error:
            parser.error(f"--seed {args.seed}: {error}")

    def started() -> Store:
        """The instance as this process started it, for ``POST /_emulator/reset``."""
        again = Store.seeded(**seed)
        if lived_in:
            again.apply_seed(lived_in)
        return again

    if args.detach:  # every argument is checked: the server starts with them in the background
        _detach([arg for arg in (sys.argv[1:] if argv is None else argv) if arg != "--detach"])
        return
    config = uvicorn.Config(
        Emulator(store, faults, deployment, None if args.state_file else started),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        ssl_certfile=args.ssl_certfile,
        ssl_keyfile=args.ssl_keyfile,
        # A stop waits this long for open connections: a client that gave up mid-handshake
        # (an untrusted certificate) would otherwise hold it for uvicorn's default, forever.
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    asyncio.run(_serve(uvicorn.Server(config), "https" if args.ssl_certfile else "http"))


def _detach(argv: Sequence[str], timeout: float = 30.0) -> None:
    """Start the emulator as a process of its own session, wait until it serves, print its URL
    (and on stderr its process id and log file), and return, leaving it running."""
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the server writes it after we return
        "w", prefix="looker-emulator-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi_looker.emulator", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    log.close()
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    url = ""
    while not url and time.monotonic() < deadline and process.poll() is None:
        if selector.select(timeout=0.1):
            url = process.stdout.readline().strip()
    process.stdout.close()
    if not url:
        process.kill()
        sys.stderr.write(Path(log.name).read_text(encoding="utf-8", errors="replace"))
        sys.exit(f"looker-emulator: the server did not start (log: {log.name})")
    print(url, flush=True)
    print(
        f"looker-emulator: serving in the background as process {process.pid} (stop it with "
        f"`kill {process.pid}`); log: {log.name}",
        file=sys.stderr,
    )


async def _serve(server: uvicorn.Server, scheme: str) -> None:
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
            sys.exit(1)
        await asyncio.sleep(0.02)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    print(f"{scheme}://{host}:{port}", flush=True)
    await task
