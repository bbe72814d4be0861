"""People in the emulated Looker: users listed, searched, created, changed and deleted, and
their email credentials with the emails Looker sends them.

Traced to Looker's API description (``tests/spec/looker-4.0.json``; each handler names its
``operationId``): a user's writable fields are ``WriteUser``'s (``state.WRITE_USER``); the
search follows the text of every ``/search`` route (``collections.searched``); a user cannot
delete themselves (``delete_user``'s text; its responses list ``403``); creating email
credentials a user already has answers ``409`` ("Resource Already Exists", the only route of
them that lists it), and an email another user has is a ``422`` on ``email``; the
``credentials_email`` routes "may be denied by Looker (Google Cloud core)": there they answer
``403``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pulumi_looker import models

from .answers import (
    GOOGLE_CLOUD_CORE_REFUSAL,
    LookerHttpError,
    json_answer,
    not_found,
    object_body,
    validated,
    validation_detail,
    validation_failed,
)
from .collections import API, Collections, Detail, base_url, searched, sorted_and_paged
from .state import (
    WRITE_CREDENTIALS_EMAIL,
    WRITE_USER,
    EmailCredentials,
    Record,
    User,
    now_iso,
    random_token,
)

#: ``GET /users/search``: each query parameter the description lists, with the kind of the
#: field of a user's search record (:func:`_search_record`) it matches, of the same name.
#: ``content_metadata_id`` is not served: the emulator holds no content.
USER_SEARCH_KINDS: dict[str, type] = {
    "id": str,
    "first_name": str,
    "last_name": str,
    "full_name": str,
    "email": str,
    "is_disabled": bool,
    "verified_looker_employee": bool,
    "embed_user": bool,
    "group_id": list,
    "can_manage_api3_creds": bool,
    "is_service_account": bool,
}
USER_SEARCH = {name: name for name in USER_SEARCH_KINDS}

#: How long the link of a reset or setup email works ("Password reset URLs will expire in 60
#: minutes", ``send_user_credentials_email_password_reset``).
RESET_LINK_LIFETIME = datetime.timedelta(minutes=60)

#: A user's answer, given the user and the request (``LookerApi``'s ``User``).
PublicUser = Callable[[User, Request], Record]


def email_credentials(user: User, base: str) -> Record | None:
    """``CredentialsEmail``: the user's email login as Looker answers it (under the API's
    ``base`` URL), or None. The link of the last email sent is ``account_setup_url`` for a
    user who has not set up the account, else ``password_reset_url``."""
    held = user.credentials_email
    if held is None:
        return None
    link = None
    sent = held.reset_sent_at
    if held.reset_token is not None and sent and models.age_of(sent) < RESET_LINK_LIFETIME:
        page = "password/reset" if held.is_set_up else "account/setup"
        link = f"{base.removesuffix(API)}/{page}/{held.reset_token}"
    reset_link = link if held.is_set_up else None
    setup_link = None if held.is_set_up else link
    return {
        "can": {"show": True, "update": True, "destroy": True},
        "created_at": held.created_at,
        "email": held.email,
        "forced_password_reset_at_next_login": held.forced_password_reset_at_next_login,
        "user_id": user.id,
        "is_disabled": False,
        "logged_in_at": None,
        "password_reset_url": reset_link,
        "account_setup_url": setup_link,
        "password_reset_url_expired": reset_link is None,
        "account_setup_url_expired": setup_link is None,
        "type": "email",
        "url": f"{base}/users/{user.id}/credentials_email",
        "user_url": f"{base}/users/{user.id}",
    }


def _search_record(user: User, group_ids: list[str]) -> Record:
    """What ``search_users`` matches of ``user`` (``group_id``: the groups it is directly
    in), and the user (``user``)."""
    full = " ".join(n for n in (user.first_name, user.last_name) if n) or None
    return {
        "user": user,
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "full_name": full,
        "email": user.email,
        "is_disabled": user.is_disabled,
        "verified_looker_employee": False,
        "embed_user": False,
        "group_id": group_ids,
        "can_manage_api3_creds": user.can_manage_api3_creds,
        "is_service_account": user.is_service_account,
    }


class PeopleApi:
    """The routes of users as people; ``public_user`` is how a user is answered, ``caller``
    the user a request acts as (any user), ``api`` the admin's routes."""

    def __init__(
        self,
        api: Collections,
        public_user: PublicUser,
        caller: Callable[[Request], User],
        *,
        google_cloud_core: bool = False,
    ) -> None:
        self.api = api
        self.store = api.store
        self.public_user = public_user
        self.caller = caller
        self.google_cloud_core = google_cloud_core

    def routes(self) -> list[Route]:
        """The routes, the search before the user's (whose id would match ``search``)."""
        admin = self.api.route
        return [
            admin(f"{API}/users", self.users, ["GET", "POST"]),
            admin(f"{API}/users/search", self.search, ["GET"]),
            Route(f"{API}/users/{{user_id}}", self.user, methods=["GET", "PATCH", "DELETE"]),
            admin(
                f"{API}/users/{{user_id}}/credentials_email",
                self.credentials_email,
                ["GET", "POST", "PATCH", "DELETE"],
            ),
            admin(
                f"{API}/users/{{user_id}}/credentials_email/send_password_reset",
                self.send_password_reset,
                ["POST"],
            ),
        ]

    def found(self, user_id: str) -> User:
        """The user with ``user_id``, or Looker's 404."""
        user = self.store.users.get(user_id)
        if user is None:
            raise not_found()
        return user

    def _answer(self, users: list[User], request: Request) -> Response:
        return json_answer([self.public_user(u, request) for u in users], request)

    # --- reading ---------------------------------------------------------------------------

    async def users(self, request: Request, caller: User) -> Response:
        """``GET /users`` (``all_users``): in id order or as ``sorts`` says, ``ids`` picks
        users, ``limit``/``offset`` page, and the deprecated ``page``/``per_page`` too unless
        ``limit`` is given. ``POST /users``: :meth:`create`."""
        if request.method == "POST":
            return await self.create(request)
        query = request.query_params
        users = self.store.users_in_order()
        if query.get("ids"):
            wanted = {i.strip() for i in query["ids"].split(",")}
            users = [u for u in users if u.id in wanted]
        records = [_search_record(u, []) for u in users]
        return self._answer([r["user"] for r in sorted_and_paged(records, query)], request)

    async def search(self, request: Request, caller: User) -> Response:
        """``GET /users/search`` (``search_users``): the users the criteria of
        :data:`USER_SEARCH` match, as every ``/search`` route matches (``collections.py``),
        sorted and paged as the listing."""
        records = [
            _search_record(u, self.store.group_ids_of(u)) for u in self.store.users_in_order()
        ]
        found = searched(records, USER_SEARCH, USER_SEARCH_KINDS, request.query_params)
        return self._answer([r["user"] for r in found], request)

    async def user(self, request: Request) -> Response:
        """``/users/{user_id}``: ``GET`` (``user``): an admin sees anyone, a user only
        themself; ``PATCH`` and ``DELETE`` (admins only): :meth:`update`, :meth:`delete`."""
        user_id = request.path_params["user_id"]
        if request.method == "GET" and self.caller(request).id == user_id:
            return json_answer(self.public_user(self.found(user_id), request), request)
        caller = self.api.admin(request)
        user = self.found(user_id)
        if request.method == "PATCH":
            return await self.update(user, request)
        if request.method == "DELETE":
            return self.delete(user, caller)
        return json_answer(self.public_user(user, request), request)

    # --- writing ---------------------------------------------------------------------------

    async def create(self, request: Request) -> Response:
        """``POST /users`` (``create_user``): a new user from a ``WriteUser`` body (read-only
        and unknown fields ignored, each refused field a 422 naming it), with the role every
        new user gets; ``credentials_email`` in the body gives it email credentials."""
        changes = validated(WRITE_USER, await object_body(request))
        credentials = changes.pop("credentials_email", None)
        email = None if credentials is None else self._email_changes(None, credentials, True)
        user = User(id="", **changes)
        if email is not None:
            user.credentials_email = EmailCredentials(created_at=now_iso(), **email)
        self.store.add_user(user)
        return json_answer(self.public_user(user, request), request)

    async def update(self, user: User, request: Request) -> Response:
        """``PATCH /users/{user_id}`` (``update_user``): the ``WriteUser`` fields given
        change, an explicit null clears a nullable one; a disabled user's sessions end;
        ``credentials_email`` changes the user's email credentials (makes them if it has
        none)."""
        changes = validated(WRITE_USER, await object_body(request))
        credentials = changes.pop("credentials_email", None)
        if credentials is not None:
            email = self._email_changes(user, credentials, user.credentials_email is None)
            self._set_email(user, email)
        self.store.update_user(user.id, changes)
        return json_answer(self.public_user(user, request), request)

    def delete(self, user: User, caller: User) -> Response:
        """``DELETE /users/{user_id}`` (``delete_user``): 204; the user's keys, sessions and
        attribute values go with it. "The user cannot delete themselves": 403. (Nor can "the
        last administrator", which only an admin other than them could ask: never the last.)"""
        if user.id == caller.id:
            raise LookerHttpError(403, "The user cannot delete themselves.")
        self.store.delete_user(user.id)
        return Response(status_code=204)

    # --- email credentials -----------------------------------------------------------------

    def _email_changes(self, user: User | None, body: Any, create: bool) -> dict[str, Any]:
        """The ``WriteCredentialsEmail`` changes of ``body`` for ``user`` (None: one being
        made); ``create``: the credentials are new, so ``email`` is required. A 422 names
        each refused field: no email, one without ``@``, one another user has."""
        if not isinstance(body, dict):
            raise LookerHttpError(400, "credentials_email must be a JSON object")
        changes = validated(WRITE_CREDENTIALS_EMAIL, body)
        email = changes.get("email")
        holder = None if email is None else self.store.email_holder(email)
        errors: list[Detail] = []
        if (create or "email" in changes) and not email:
            errors.append(validation_detail("email", "missing_field", "email is required"))
        elif email is not None and "@" not in email.strip("@"):
            errors.append(validation_detail("email", "invalid", f"{email!r} is not an email"))
        elif holder is not None and holder is not user:
            message = f"email {email!r} is already used by another user"
            errors.append(validation_detail("email", "already_exists", message))
        if errors:
            raise validation_failed(errors)
        return changes

    def _set_email(self, user: User, changes: dict[str, Any]) -> None:
        held = user.credentials_email
        if held is None:
            user.credentials_email = EmailCredentials(created_at=now_iso(), **changes)
        else:
            for name, value in changes.items():
                setattr(held, name, value)
        self.store.save()

    def _credentials_of(self, request: Request) -> User:
        """The user of the path, on an instance whose email logins the API may change."""
        if self.google_cloud_core:
            raise LookerHttpError(403, GOOGLE_CLOUD_CORE_REFUSAL)
        return self.found(request.path_params["user_id"])

    def _credentials_answer(self, user: User, request: Request) -> Response:
        answer = email_credentials(user, base_url(request))
        if answer is None:
            raise not_found()
        return json_answer(answer, request)

    async def credentials_email(self, request: Request, caller: User) -> Response:
        """``/users/{user_id}/credentials_email``: ``GET`` (``user_credentials_email``), 404
        when the user has none; ``POST`` (``create_user_credentials_email``) a
        ``WriteCredentialsEmail``, 409 when the user has them already; ``PATCH``
        (``update_user_credentials_email``), 404 when it has none; ``DELETE``
        (``delete_user_credentials_email``): 204, 404 when it has none."""
        user = self._credentials_of(request)
        if request.method in ("PATCH", "DELETE") and user.credentials_email is None:
            raise not_found()
        if request.method == "POST":
            if user.credentials_email is not None:
                raise LookerHttpError(409, f"User {user.id} already has email credentials")
            self._set_email(user, self._email_changes(user, await object_body(request), True))
        elif request.method == "PATCH":
            self._set_email(user, self._email_changes(user, await object_body(request), False))
        elif request.method == "DELETE":
            user.credentials_email = None
            self.store.save()
            return Response(status_code=204)
        return self._credentials_answer(user, request)

    async def send_password_reset(self, request: Request, caller: User) -> Response:
        """``POST /users/{user_id}/credentials_email/send_password_reset``
        (``send_user_credentials_email_password_reset``): Looker sends the user an email
        with a one-time link (a setup email to one who has not set up the account, else a
        password reset), recorded in the store's ``emails``, and answers the credentials
        with the link; 404 when the user has no email credentials."""
        user = self._credentials_of(request)
        held = user.credentials_email
        if held is None:
            raise not_found()
        held.reset_token = random_token(32)
        held.reset_sent_at = now_iso()
        kind = "password_reset" if held.is_set_up else "account_setup"
        self.store.emails.append({"user_id": user.id, "email": held.email, "kind": kind})
        self.store.save()
        return self._credentials_answer(user, request)
