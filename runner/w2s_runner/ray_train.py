"""Several nodes: Ray Train's TorchTrainer runs sft.run_sft on one worker per GPU across the cluster.

NOT RUN in W2S Studio's tests or GPU check (they have one node and no Ray); written against the Ray
Train API (`ray.train.torch.TorchTrainer`, `ray.train.ScalingConfig`). Ray Train sets up the process
group and the RANK / LOCAL_RANK / WORLD_SIZE environment of each worker, which transformers' Trainer
(through accelerate) picks up. Worker output reaches the driver log prefixed with
`(RayTrainWorker pid=…)`; records are found anywhere in a line, and only rank 0 prints them.
"""

from . import deps
from .errors import RunnerError
from .records import emit


def run_ray_train(job, job_path):
    deps.require(["ray", "torch", "transformers", "accelerate"], "train on several nodes with Ray Train")
    import ray
    from ray.train import RunConfig, ScalingConfig
    from ray.train.torch import TorchTrainer

    if not job["output_dir"].startswith("/"):
        raise RunnerError("output_dir must be an absolute path on storage every node shares when nodes > 1", kind="bad_job", exit_code=2)
    gpus_per_node = job["gpus"] or 1
    workers = job["nodes"] * gpus_per_node
    emit("status", phase="launching", message=f"Ray Train: {workers} workers ({job['nodes']} nodes x {gpus_per_node} GPUs)", processes=workers)

    def train_loop(config):
        import os

        os.environ["W2S_NO_RELAUNCH"] = "1"
        from .sft import run_sft

        summary = run_sft(config["job"])
        emit("done", ok=True, **summary)

    ray.init(address="auto", ignore_reinit_error=True)
    trainer = TorchTrainer(
        train_loop,
        train_loop_config={"job": job},
        scaling_config=ScalingConfig(num_workers=workers, use_gpu=True),
        run_config=RunConfig(storage_path=job["output_dir"], name="ray-train"),
    )
    result = trainer.fit()
    return 0 if result.error is None else 1
