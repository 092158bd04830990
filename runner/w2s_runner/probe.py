"""What every node of the cluster offers the runner, before a real job is sent there.

    python -m w2s_runner.probe [--checkpoint-root PATH]

Prints one line, `@@w2s {"type": "probe", "nodes": [...], "checkpoint_root": {...}}` (the prefix of
records.py; the type is the probe's own, read only by `w2s cluster check` / Connect to Cluster…).

Per node: host and IP, Python, torch (and the CUDA it was built for), the GPUs and their memory,
transformers, accelerate, peft, vLLM, the free disk under the checkpoint root, and whether that root
is the same storage as the driver's (the driver leaves a marker file there; a node that cannot see it
has a node-local root). With Ray importable, one task runs on every alive node (pinned with
NodeAffinitySchedulingStrategy); without it, the probe reports the machine it runs on.

Nothing heavy is required: a package that is missing is reported as missing, never raised.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import uuid
from typing import Any, TextIO

PREFIX = "@@w2s "
MARKER_PREFIX = ".w2s-probe-"
PACKAGES = ("torch", "transformers", "accelerate", "peft", "vllm")


def is_uri(root: str | None) -> bool:
    return "://" in (root or "")


def package_version(name: str) -> str | None:
    """The version of an importable package, else None (a broken install reports its error)."""
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    except Exception as e:  # a package that is there but fails to import (wrong CUDA, missing .so)
        return f"error: {type(e).__name__}: {e}"[:200]
    return str(getattr(module, "__version__", "unknown"))


def nvidia_smi_gpus():
    """The node's GPUs as the driver lists them (Ray hides GPUs from a task that asked for none, by
    setting CUDA_VISIBLE_DEVICES to "", so torch alone would see none); None without nvidia-smi."""
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = subprocess.run([exe, "--query-gpu=name,memory.total", "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    gpus = []
    for line in out.stdout.strip().splitlines():
        name, _, mib = line.rpartition(",")
        try:
            gpus.append({"name": name.strip(), "memory_gib": round(float(mib) / 1024, 1)})
        except ValueError:
            continue
    return gpus


def gpu_report():
    """CUDA as torch sees it (the build's CUDA version, whether a device works) and each GPU's name and memory."""
    listed = nvidia_smi_gpus()
    if os.environ.get("CUDA_VISIBLE_DEVICES") == "":
        os.environ.pop("CUDA_VISIBLE_DEVICES")  # Ray's "no GPU asked for", not the node's truth
    try:
        import torch
    except Exception:
        return {"cuda": None, "cuda_available": False, "gpus": listed or []}
    cuda = getattr(torch.version, "cuda", None)
    gpus = []
    available = False
    try:
        available = bool(torch.cuda.is_available())
        if available:
            for i in range(torch.cuda.device_count()):
                props = torch.cuda.get_device_properties(i)
                gpus.append({"name": props.name, "memory_gib": round(props.total_memory / 2**30, 1)})
    except Exception as e:
        return {"cuda": cuda, "cuda_available": False, "gpus": listed or [], "cuda_error": str(e)[:200]}
    return {"cuda": cuda, "cuda_available": available, "gpus": listed if listed else gpus}


def existing_parent(path: str) -> str:
    """The path itself or its nearest existing parent (a root not created yet still has a disk)."""
    p = os.path.abspath(path)
    while not os.path.exists(p):
        parent = os.path.dirname(p)
        if parent == p:
            break
        p = parent
    return p


def root_report(root: str | None, marker: str | None) -> dict[str, Any]:
    """Free disk under the checkpoint root, and whether the driver's marker file is visible here."""
    if not root:
        return {"path": None}
    if is_uri(root):
        return {"path": root, "uri": True}
    path = os.path.expanduser(root)
    where = existing_parent(path)
    out = {"path": path, "exists": os.path.isdir(path)}
    try:
        out["free_gib"] = round(shutil.disk_usage(where).free / 2**30, 1)
    except OSError as e:
        out["error"] = str(e)[:200]
    if marker:
        out["sees_marker"] = os.path.exists(os.path.join(path, marker))
    return out


def node_report(root: str | None, marker: str | None) -> dict[str, Any]:
    """Everything this probe reports about the machine it runs on."""
    report = {
        "host": socket.gethostname(),
        "ip": _ip(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }
    for name in PACKAGES:
        report[name] = package_version(name)
    report.update(gpu_report())
    report["checkpoint_root"] = root_report(root, marker)
    return report


def _ip():
    try:
        import ray.util

        return ray.util.get_node_ip_address()
    except Exception:
        try:
            return socket.gethostbyname(socket.gethostname())
        except OSError:
            return None


def leave_marker(root: str | None) -> str | None:
    """A file in the root that every node sharing the storage will see; None when it cannot be written."""
    if not root or is_uri(root):
        return None
    path = os.path.expanduser(root)
    name = MARKER_PREFIX + uuid.uuid4().hex[:12]
    try:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, name), "w") as f:
            f.write("w2s cluster probe\n")
    except OSError:
        return None
    return name


def remove_marker(root: str | None, name: str | None) -> None:
    if name and root:
        try:
            os.remove(os.path.join(os.path.expanduser(root), name))
        except OSError:
            pass


def probe_all_nodes(root: str | None, marker: str | None, timeout_s: float = 300) -> tuple[list[dict[str, Any]], str | None]:
    """One report per alive Ray node; just this machine when Ray is not there (or not started)."""
    try:
        import ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy
    except ImportError:
        return [node_report(root, marker)], "ray is not installed: only the machine the probe ran on"
    try:
        ray.init(address="auto", log_to_driver=False)
    except Exception as e:
        return [node_report(root, marker)], f"could not join the Ray cluster ({e}): only the machine the probe ran on"
    remote = ray.remote(num_cpus=0)(node_report)
    refs = []
    for node in ray.nodes():
        if node.get("Alive"):
            strategy = NodeAffinitySchedulingStrategy(node_id=node["NodeID"], soft=False)
            refs.append(remote.options(scheduling_strategy=strategy).remote(root, marker))
    ready, pending = ray.wait(refs, num_returns=len(refs), timeout=timeout_s)
    reports: list[dict[str, Any]] = []
    for ref in ready:
        try:
            reports.append(ray.get(ref))
        except Exception as e:
            reports.append({"error": str(e)[:300]})
    note = f"{len(pending)} node(s) did not answer within {timeout_s} s" if pending else None
    return reports, note


def summarize_root(root: str | None, nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """Whether every node sees the same checkpoint root (a URI is passed through as shared)."""
    if not root:
        return {"path": None, "shared": None}
    if is_uri(root):
        return {"path": root, "shared": True, "uri": True}
    seen = [n.get("checkpoint_root", {}).get("sees_marker") for n in nodes]
    if any(s is None for s in seen):
        return {"path": root, "shared": None}
    return {"path": root, "shared": all(seen), "nodes_seeing_it": sum(1 for s in seen if s), "nodes": len(seen)}


def run(root: str | None = None, out: TextIO = sys.stdout) -> dict[str, Any]:
    marker = leave_marker(root)
    try:
        nodes, note = probe_all_nodes(root, marker)
    finally:
        remove_marker(root, marker)
    record: dict[str, Any] = {"type": "probe", "nodes": nodes, "checkpoint_root": summarize_root(root, nodes)}
    if note:
        record["note"] = note
    out.write(PREFIX + json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str) + "\n")
    out.flush()
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m w2s_runner.probe", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--checkpoint-root", default=None, help="the cluster's checkpoint root (a shared path, or s3:// / gs://)")
    args = parser.parse_args(argv)
    run(args.checkpoint_root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
