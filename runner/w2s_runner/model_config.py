"""The config.json of a model as a job on this node would load it, for W2S Studio's memory plan.

    python -m w2s_runner.model_config MODEL

Prints the config between two marker lines (`@@w2s-model-config-begin SOURCE`, the JSON on one line,
`@@w2s-model-config-end`), or one line `@@w2s-model-config-error MESSAGE` and exit code 1. Read by
src/core/jobs/cluster-model-config.ts from the job's log.

MODEL is resolved as transformers' from_pretrained resolves `base_model` in an SFT job here: a folder
(a LoRA folder stands for the base model its adapter_config.json names), else a hub id in this node's
Hugging Face cache ($HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub; the snapshot
refs/main points at, else the newest), else config.json alone from the Hub ($HF_ENDPOINT, $HF_TOKEN)
unless $HF_HUB_OFFLINE is set. Only the standard library: no package is installed for this job.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from typing import Any

BEGIN = "@@w2s-model-config-begin"
END = "@@w2s-model-config-end"
ERROR = "@@w2s-model-config-error"


class NotFound(Exception):
    pass


def _read(path: str) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise NotFound(f"{path} could not be read: {e}") from e
    if not isinstance(data, dict):
        raise NotFound(f"{path} is not a JSON object")
    return data


def hub_cache(env: dict[str, str]) -> str:
    if env.get("HF_HUB_CACHE"):
        return env["HF_HUB_CACHE"]
    if env.get("HF_HOME"):
        return os.path.join(env["HF_HOME"], "hub")
    return os.path.join(os.path.expanduser("~"), ".cache", "huggingface", "hub")


def _cached(model: str, env: dict[str, str]) -> str | None:
    root = os.path.join(hub_cache(env), "models--" + model.replace("/", "--"))
    snapshots = os.path.join(root, "snapshots")
    try:
        with open(os.path.join(root, "refs", "main"), encoding="utf-8") as f:
            main = os.path.join(snapshots, f.read().strip(), "config.json")
        if os.path.isfile(main):
            return main
    except OSError:
        pass
    try:
        found = [os.path.join(snapshots, r, "config.json") for r in os.listdir(snapshots)]
    except OSError:
        return None
    found = [p for p in found if os.path.isfile(p)]
    return max(found, key=os.path.getmtime) if found else None


def _offline(env: dict[str, str]) -> bool:
    return env.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _from_hub(model: str, env: dict[str, str]) -> tuple[str, dict[str, Any]]:
    endpoint = (env.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
    url = f"{endpoint}/{model}/resolve/main/config.json"
    request = urllib.request.Request(url)
    token = env.get("HF_TOKEN") or env.get("HUGGING_FACE_HUB_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            data = json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        hint = " (a gated or private model needs HF_TOKEN on the cluster)" if e.code in (401, 403) else ""
        raise NotFound(f"the Hub answered HTTP {e.code} for {url}{hint}") from e
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise NotFound(f"{url} could not be read from this node: {e}") from e
    if not isinstance(data, dict):
        raise NotFound(f"{url} is not a JSON object")
    return url, data


def resolve(model: str, env: dict[str, str], depth: int = 0) -> tuple[str, dict[str, Any]]:
    """(where it was found, the config) or NotFound with what was looked at."""
    if os.path.isdir(model):
        config = os.path.join(model, "config.json")
        if os.path.isfile(config):
            return config, _read(config)
        adapter = os.path.join(model, "adapter_config.json")
        if os.path.isfile(adapter) and depth == 0:
            base = _read(adapter).get("base_model_name_or_path")
            if isinstance(base, str) and base:
                return resolve(base, env, depth + 1)
        raise NotFound(f"the folder {model} has no config.json")
    if model.startswith(("/", "./", "../", "~")) or model.count("/") > 1:
        raise NotFound(f"there is no folder {model} on this node")
    cached = _cached(model, env)
    if cached:
        return cached, _read(cached)
    if _offline(env):
        raise NotFound(f"{model} is not in this node's Hugging Face cache ({hub_cache(env)}) and HF_HUB_OFFLINE is set")
    try:
        return _from_hub(model, env)
    except NotFound as e:
        raise NotFound(f"{model} is not in this node's Hugging Face cache ({hub_cache(env)}), and {e}") from e


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].strip():
        print(f"{ERROR} usage: python -m w2s_runner.model_config MODEL", flush=True)
        return 2
    try:
        source, config = resolve(args[0], dict(os.environ))
    except NotFound as e:
        print(f"{ERROR} {e}", flush=True)
        return 1
    print(f"{BEGIN} {source}\n{json.dumps(config)}\n{END}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
