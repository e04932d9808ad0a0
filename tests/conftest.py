"""Shared test configuration: ``tests/`` on sys.path and the hypothesis profiles."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# pytest runs with --import-mode=importlib, which does not put tests/ on sys.path;
# test modules import the shared strategies as ``import strategies``.
_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

# The registry as the session starts (built-in and installed dialects), before any test registers one of its own.
import profiles  # noqa: E402, F401
from hypothesis import HealthCheck, Phase, settings  # noqa: E402

settings.register_profile(
    "ci",
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("thorough", max_examples=500, deadline=None)
# For debugging a failure fast: no shrinking.
settings.register_profile("quick", max_examples=30, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
