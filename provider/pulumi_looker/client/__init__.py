"""Talking to Looker API 4.0: one request (``transport``), the login (``auth``), retries
(``retry``), the calls (``api``), and the client (``looker_client``) with its views over them:
the users and their keys (``users``), who manages each singleton (``owners``)."""

from .looker_client import LookerClient

__all__ = ["LookerClient"]
