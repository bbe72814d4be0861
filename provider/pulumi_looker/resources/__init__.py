"""Each resource's logic, once: check, diff, create, read, update and delete, the calls each
makes and the typed state it keeps. The faces (``dynamic``, ``plugin``) adapt it to Pulumi."""
