"""Heavy packages are imported lazily: without them the runner still starts and says what to install."""

from __future__ import annotations

import importlib.util

from .errors import RunnerError

REQUIREMENTS_HINT = "pip install -r runner/requirements.txt"


def missing(packages: list[str]) -> list[str]:
    """Names of the packages that cannot be imported (checked without importing them)."""
    out = []
    for name in packages:
        try:
            if importlib.util.find_spec(name) is None:
                out.append(name)
        except (ImportError, ValueError):
            out.append(name)
    return out


def require(packages: list[str], purpose: str) -> None:
    gone = missing(packages)
    if gone:
        raise RunnerError(
            f"missing packages: {', '.join(gone)} (needed to {purpose}). Install them on every node of the "
            f"cluster: {REQUIREMENTS_HINT} (the file is also at the root of this job's working directory).",
            kind="missing_packages",
            exit_code=3,
        )


def available(name: str) -> bool:
    return not missing([name])
