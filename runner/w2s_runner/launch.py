"""Scaling out an SFT job: several GPUs of one node through torchrun, several nodes through Ray Train.

The Ray job's entrypoint is always `python -m w2s_runner sft job.json`. When the job wants (or the node
has) more than one GPU, this process starts `torchrun --standalone --nproc_per_node N` on the same
command and waits; every worker runs sft.py (DDP or FSDP, sft_plan.choose_strategy), and only rank 0
prints records. With `nodes` > 1 it hands the same training function to Ray Train's TorchTrainer
(ray_train.py), which starts one worker per GPU across the cluster; output_dir must then be storage
that every node shares.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from . import deps
from .job import SftJob
from .records import emit


def visible_gpus() -> int:
    try:
        import torch

        return torch.cuda.device_count() if torch.cuda.is_available() else 0
    except Exception:
        return 0


def torchrun_command(gpus: int, job_path: str) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={gpus}", "-m", "w2s_runner", "sft", job_path]


def maybe_relaunch(job: SftJob, job_path: str) -> int | None:
    """None when this process should train itself; else the exit code of the launched workers."""
    if os.environ.get("LOCAL_RANK") is not None or os.environ.get("W2S_NO_RELAUNCH"):
        return None
    if job.nodes > 1:
        from .ray_train import run_ray_train

        return run_ray_train(job)
    deps.require(["torch", "transformers", "accelerate"], "fine-tune a model")
    gpus = job.gpus or visible_gpus()
    if gpus <= 1:
        return None
    emit("status", phase="launching", message=f"starting {gpus} training processes with torchrun", processes=gpus)
    child = subprocess.Popen(torchrun_command(gpus, job_path), env=dict(os.environ, PYTHONUNBUFFERED="1"))

    def forward(signum: int, frame: Any) -> None:
        child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    code = child.wait()
    return 143 if code in (-signal.SIGTERM, 128 + signal.SIGTERM) else code
