"""`python -m w2s_runner sft job.json` | `python -m w2s_runner eval job.json` | `python -m w2s_runner version`.

Exit codes: 0 done, 1 failed, 2 bad job.json or usage, 3 missing packages, 143 stopped (SIGTERM).
"""

from __future__ import annotations

import os
import platform
import signal
import sys
import traceback
from typing import Any

from . import PROTOCOL, __version__
from .errors import RunnerError, Stopped
from .records import emit

USAGE = "usage: python -m w2s_runner {sft|eval} JOB.json   (or: python -m w2s_runner version)"


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Stopped()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["version"]:
        print(f"w2s_runner {__version__} (record protocol {PROTOCOL})")
        return 0
    if len(argv) != 2 or argv[0] not in ("sft", "eval"):
        print(USAGE, file=sys.stderr)
        emit("error", kind="usage", message=f"bad arguments {argv!r}; {USAGE}")
        return 2
    kind, job_path = argv
    # Ray stops a job with SIGTERM (then SIGKILL after a few seconds): unwind and say so.
    signal.signal(signal.SIGTERM, _on_sigterm)
    emit("status", phase="starting", job=kind, runner=__version__, protocol=PROTOCOL,
         python=platform.python_version(), host=platform.node(), pid=os.getpid(),
         message=f"w2s_runner {__version__} starting the {kind} job {job_path}")
    try:
        from .job import SftJob, load_job

        job = load_job(job_path, kind)
        if isinstance(job, SftJob):
            from .launch import maybe_relaunch

            relaunched = maybe_relaunch(job, job_path)
            if relaunched is not None:
                return relaunched
            from .sft import run_sft

            summary = run_sft(job)
        else:
            from .evaluate import run_eval

            summary = run_eval(job)
        emit("done", ok=True, **summary)
        return 0
    except RunnerError as e:
        extra: dict[str, Any] = {"detail": e.detail} if e.detail else {}
        emit("error", kind=e.kind, message=e.message, **extra)
        emit("done", ok=False, error=e.message)
        print(f"w2s_runner: {e.message}", file=sys.stderr)
        return e.exit_code
    except (Stopped, KeyboardInterrupt):
        emit("status", phase="stopped", message="stopped (SIGTERM); checkpoints already written are kept")
        emit("done", ok=False, stopped=True)
        return 143
    except Exception as e:  # noqa: BLE001 - anything else is reported with its traceback
        from .errors import classify

        known = classify(e, f"running the {kind} job")
        tb = traceback.format_exc()
        if known:
            emit("error", kind=known.kind, message=known.message, detail=known.detail)
            emit("done", ok=False, error=known.message)
        else:
            emit("error", kind="exception", message=f"{type(e).__name__}: {e}", detail=tb[-4000:])
            emit("done", ok=False, error=f"{type(e).__name__}: {e}")
        print(tb, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
