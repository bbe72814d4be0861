"""Talking to Looker API 4.0: one request (``transport``), the login (``auth``), retries
(``retry``), the calls (``api``) and a client's view of the API keys (``keys``)."""

from .api import LookerClient

__all__ = ["LookerClient"]
