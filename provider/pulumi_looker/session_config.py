"""The old import path of ``SessionConfigProvider``, kept for stacks made before 0.2.0.

Their state names this module and class (a dynamic resource's provider is pickled by
reference), and their next refresh would fail without it. New code imports ``pulumi_looker``.
"""

from pulumi_looker.dynamic.session_config import SessionConfigProvider

__all__ = ["SessionConfigProvider"]
