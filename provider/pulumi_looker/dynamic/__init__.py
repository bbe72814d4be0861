"""The Python face: Pulumi dynamic resources over the resources' logic, and the project's
program that declares them from stack config."""
