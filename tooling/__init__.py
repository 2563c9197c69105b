"""Developer tooling: the trained model, ports, server processes and the local stack.

The command-line entry points in ``scripts/`` and the tests that start real servers import
from here; nothing in the assistant itself depends on this package.
"""
