"""Several nodes: Ray Train's TorchTrainer runs sft.run_sft on one worker per GPU across the cluster.

NOT RUN in W2S Studio's tests or GPU check (they have one node and no Ray); written against the Ray
Train API (`ray.train.torch.TorchTrainer`, `ray.train.ScalingConfig(num_workers, use_gpu,
resources_per_worker)`). Ray Train sets up the process group and the RANK / LOCAL_RANK / WORLD_SIZE
environment of each worker, which transformers' Trainer (through accelerate) picks up. Worker output
reaches the driver log prefixed with `(RayTrainWorker pid=…)`; records are found anywhere in a line,
and only rank 0 prints them.

GPU accounting: this driver is the Ray job's entrypoint. If it holds GPUs itself (the job submitted
with `entrypoint_num_gpus`), those GPUs cannot go to the workers, and on a full cluster `fit()` waits
for GPUs that never free up. W2S Studio submits multi-node jobs with no entrypoint GPUs; a driver that
holds some anyway is refused here with what to change, before any worker is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import deps
from .errors import RunnerError
from .job import SftJob, to_json
from .records import emit


@dataclass(frozen=True)
class RayScaling:
    num_workers: int
    resources_per_worker: dict[str, float]


def ray_scaling(job: SftJob, driver_gpus: float, cluster_gpus: float | None) -> RayScaling:
    """One worker per GPU, nodes x gpus of them; refuses a plan whose GPUs the cluster cannot give."""
    gpus_per_node = job.gpus or 1
    workers = job.nodes * gpus_per_node
    if driver_gpus > 0:
        raise RunnerError(
            f"the Ray job's driver holds {driver_gpus:g} GPU(s) (entrypoint_num_gpus), which Ray Train's {workers} workers "
            "then cannot use: submit multi-node jobs with no entrypoint GPUs (W2S Studio does; for a hand-written "
            "submission leave entrypoint_num_gpus out) so that fit() does not wait forever",
            kind="bad_job", exit_code=2)
    if cluster_gpus is not None and workers > cluster_gpus:
        raise RunnerError(
            f"{job.nodes} nodes x {gpus_per_node} GPUs = {workers} workers, but the cluster has {cluster_gpus:g} GPUs: "
            "lower nodes or gpus", kind="bad_job", exit_code=2)
    return RayScaling(workers, {"GPU": 1.0})


def run_ray_train(job: SftJob) -> int:
    deps.require(["ray", "torch", "transformers", "accelerate"], "train on several nodes with Ray Train")
    import ray
    from ray.train import RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    if not job.output_dir.startswith("/"):
        raise RunnerError("output_dir must be an absolute path on storage every node shares when nodes > 1", kind="bad_job", exit_code=2)
    ray.init(address="auto", ignore_reinit_error=True)
    driver_gpus = float(ray.get_runtime_context().get_assigned_resources().get("GPU", 0) or 0)
    cluster_gpus = ray.cluster_resources().get("GPU")
    scaling = ray_scaling(job, driver_gpus, float(cluster_gpus) if cluster_gpus is not None else None)
    emit("status", phase="launching", message=f"Ray Train: {scaling.num_workers} workers ({job.nodes} nodes x {job.gpus or 1} GPUs), the driver holding none",
         processes=scaling.num_workers)

    def train_loop(config: dict[str, Any]) -> None:
        import os

        os.environ["W2S_NO_RELAUNCH"] = "1"
        from .job import validate
        from .sft import run_sft

        worker_job = validate(config["job"], "sft", where="job.json (Ray Train worker)")
        assert isinstance(worker_job, SftJob)
        summary = run_sft(worker_job)
        emit("done", ok=True, **summary)

    trainer = TorchTrainer(
        train_loop,
        train_loop_config={"job": to_json(job)},
        scaling_config=ScalingConfig(num_workers=scaling.num_workers, use_gpu=True, resources_per_worker=scaling.resources_per_worker),
        run_config=RunConfig(storage_path=job.output_dir, name="ray-train"),
    )
    result = trainer.fit()
    return 0 if result.error is None else 1
