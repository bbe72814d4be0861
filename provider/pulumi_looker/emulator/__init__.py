"""A local Looker API 4.0 server for tests, benchmarks and demos (extra ``emulator``)."""

from .app import Emulator
from .faults import Faults
from .state import Store

__all__ = ["Emulator", "Faults", "Store"]
