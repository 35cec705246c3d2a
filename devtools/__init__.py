"""Tooling shared by the tests, the benchmark and `make run`: paths, server processes,
endpoints.yml variants and the held-out NLU metrics.

Why its own package: tests/ and bench/ both start servers and score the NLU; neither may
import the other, and none of this runs inside the bot's servers.
"""
