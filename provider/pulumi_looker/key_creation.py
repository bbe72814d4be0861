"""Creating an API key without leaving one behind unseen.

Looker's create is not idempotent: a create whose answer is lost may still have made a key. A
create is therefore never blindly sent again; after a failure where Looker may have acted, the
user's keys are listed first, and a key that send made is deleted: a key whose id we learn is
either in Pulumi's state or deleted.
"""

from __future__ import annotations

import datetime
import logging
from typing import TYPE_CHECKING

from .errors import KeyCreateError, LookerConnectionError, LookerError, ServerError

if TYPE_CHECKING:
    from . import models
    from .client import LookerClient

logger = logging.getLogger("pulumi_looker")

#: How far Looker's clock may be behind ours when looking for keys a lost create made.
CLOCK_SKEW = datetime.timedelta(minutes=2)

#: Sends of one create at most, when each failed without leaving a key behind.
CREATE_SENDS = 3


def create_key(client: LookerClient, user_id: str) -> models.CreateCredentialsApi3:
    """POST a new key, never blindly twice. When the POST fails where Looker may have acted (a
    lost answer, a 5xx), the user's keys are listed first: a key that send made (no purpose,
    created since, not one this process knows) has a secret no one will ever see, so it is
    deleted, and the create is sent again. When the listing or a delete fails, or the sends run
    out, the create fails naming whatever may be left."""
    for send in range(1, CREATE_SENDS + 1):
        sent_at = datetime.datetime.now(datetime.timezone.utc)
        try:
            return client.create_credentials_api3(user_id)
        except (LookerConnectionError, ServerError) as error:
            if isinstance(error, LookerConnectionError) and not error.reached_server:
                raise
            left_behind = clear_orphans(client, user_id, sent_at)
            if left_behind is not None or send == CREATE_SENDS:
                raise KeyCreateError(error, send, CREATE_SENDS, left_behind) from None
            logger.warning("%s; nothing of it is left in Looker, sending the create again", error)
    raise AssertionError("unreachable")


def clear_orphans(client: LookerClient, user_id: str, sent_at: datetime.datetime) -> str | None:
    """Delete the keys a failed create may have made; None when nothing is left behind, else
    what may be, in words."""
    since = sent_at - CLOCK_SKEW
    try:
        keys = client.list_credentials_api3(user_id)
    except LookerError as error:
        return (
            f"Looker may have created the key anyway, and listing user {user_id}'s keys failed "
            f"({error}): look in Looker's admin page for keys of user {user_id} with no purpose "
            f"created after {since.isoformat(timespec='seconds')}"
        )
    suspects = [
        k
        for k in keys
        if not k.purpose
        and k.created_at
        and _parse_time(k.created_at) >= since
        and k.id not in client.created_key_ids
    ]
    kept = [k for k in suspects if not discard_key(client, user_id, k.id)]
    if not kept:
        return None
    listed = ", ".join(f"{k.id} (created {k.created_at})" for k in kept)
    return (
        f"Looker may have created the key anyway: key(s) {listed} of user {user_id} have no "
        "purpose, are not in Pulumi's state, and could not be deleted. If no other run made "
        "them, delete them in Looker's admin page; the next `pulumi up` creates a new key."
    )


def discard_key(client: LookerClient, user_id: str, credentials_id: str) -> bool:
    """Delete a key whose set-up failed, so that nothing is left half-made; False when Looker
    could not be told (the caller then keeps the key in Pulumi's state rather than lose it)."""
    try:
        client.delete_credentials_api3(user_id, credentials_id)
    except LookerError as error:
        logger.warning(
            "deleting half-made key %s of user %s failed: %s", credentials_id, user_id, error
        )
        return False
    return True


def _parse_time(text: str) -> datetime.datetime:
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)
