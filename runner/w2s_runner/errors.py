"""Errors the user can act on: each becomes an `error` record (kind, message, detail) and a non-zero exit."""

from __future__ import annotations


class RunnerError(Exception):
    """A failure with a message that says what to do. `kind` lets the extension group them."""

    def __init__(self, message: str, kind: str = "error", detail: str | None = None, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.detail = detail
        self.exit_code = exit_code


class JobError(RunnerError):
    """job.json is wrong: names the file and the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message, kind="bad_job", exit_code=2)


class Stopped(BaseException):
    """Raised from the SIGTERM handler (Ray's stop): unwinds the job without an error record."""


def classify(exc: BaseException, context: str) -> RunnerError | None:
    """Turns a library exception into a RunnerError with advice, or None when it is not one we know."""
    name = type(exc).__name__
    text = str(exc)
    if name == "OutOfMemoryError" or "CUDA out of memory" in text:
        return RunnerError(
            f"CUDA out of memory while {context}. Lower per_device_batch_size (or batch_size for eval) or "
            "cutoff_len / max_tokens, keep gradient_checkpointing on, use LoRA (\"lora\": {}), or ask for more GPUs.",
            kind="cuda_oom",
            detail=text[:2000],
        )
    model_markers = (
        "is not a local folder and is not a valid model identifier",
        "Repository Not Found",
        "We couldn't connect to",
        "does not appear to have a file named",
        "Can't load tokenizer for",
        "Can't load the configuration of",
        "Incorrect path_or_model_id",
    )
    if isinstance(exc, (OSError, ValueError)) and any(m in text for m in model_markers):
        return RunnerError(
            f"Cannot load the model while {context}: {text.splitlines()[0] if text else name}. Give a folder that "
            "every node of the cluster can read (shared storage) or a Hugging Face model id the nodes can download "
            "(set HF_TOKEN for gated models; pre-download with `huggingface-cli download ID` when nodes are offline).",
            kind="model_not_found",
            detail=text[:2000],
        )
    if name == "CUDAError" or "no CUDA GPUs are available" in text or "CUDA driver" in text:
        return RunnerError(
            f"No usable GPU while {context}: {text.splitlines()[0] if text else name}. Ask the cluster for GPUs "
            "(entrypoint_num_gpus; the job's GPUs setting) and check `nvidia-smi` on the node.",
            kind="no_gpu",
            detail=text[:2000],
        )
    return None
