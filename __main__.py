"""Declares this stack's Looker settings from its config in stacks/Pulumi.<stack>.yaml."""

import pulumi

from pulumi_looker.dynamic.stack_program import declare

declare(pulumi.Config())
