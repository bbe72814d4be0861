"""The old import path of ``ApiCredentialProvider``, kept for stacks made before 0.2.0.

Their state names this module and class (a dynamic resource's provider is pickled by
reference), and their next refresh would fail without it. New code imports ``pulumi_looker``.
"""

from pulumi_looker.dynamic.api_credential import ApiCredentialProvider

__all__ = ["ApiCredentialProvider"]
