"""What the tests and the benchmarks share, in one package.

- ``looker``: the emulator's view (requests it saw, keys it holds) and stack-config keys;
- ``clients``: connection settings, clients and providers wired to an emulator;
- ``stack``: a copy of the project driven through the real pulumi CLI;
- ``mocks``: Pulumi's resource monitor, mocked, for programs run in-process;
- ``web``: plain web servers on loopback that are not Looker;
- ``clone``: a copy of the repository's sources, as a fresh clone has them.
"""
