"""Heavy packages are imported lazily: without them the runner still starts and says what to install."""

import importlib.util

from .errors import RunnerError

REQUIREMENTS_HINT = "pip install -r runner/requirements.txt"


def missing(packages):
    """Names of the packages that cannot be imported (checked without importing them)."""
    out = []
    for name in packages:
        try:
            if importlib.util.find_spec(name) is None:
                out.append(name)
        except (ImportError, ValueError):
            out.append(name)
    return out


def require(packages, purpose):
    gone = missing(packages)
    if gone:
        raise RunnerError(
            f"missing packages: {', '.join(gone)} (needed to {purpose}). Install them on every node of the "
            f"cluster: {REQUIREMENTS_HINT} (the file is also at the root of this job's working directory).",
            kind="missing_packages",
            exit_code=3,
        )


def available(name):
    return not missing([name])
