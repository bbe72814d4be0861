"""A local Looker API 4.0 server for tests, benchmarks and demos (extra ``emulator``).

The package imports nothing of the extra by itself, so that ``looker-emulator`` can say which
extra is missing, and tests can drive an emulator process without importing its server.
"""
