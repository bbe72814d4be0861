"""The plugin face: ``pulumi-resource-looker``, a Pulumi provider plugin over the resources'
logic, for every Pulumi program (YAML included), with import, per-field diffs, warnings and
functions. Its schema is generated from the models."""
