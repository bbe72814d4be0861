"""``pulumi-looker``, the command line: ``adopt`` (a live instance as stack config) and ``plan``
(a preview's per-field changes). It writes stack files and never imports Pulumi's resources."""
