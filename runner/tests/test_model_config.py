"""model_config.py: a model's config.json resolved as a job on the node would load it (folder, LoRA folder's
base, the Hugging Face cache's refs/main snapshot, else config.json alone from the Hub over real HTTP)."""

import http.server
import io
import json
import os
import tempfile
import threading
import time
import unittest
from contextlib import redirect_stdout

from w2s_runner.model_config import BEGIN, END, ERROR, NotFound, main, resolve

CONFIG = {"model_type": "qwen2", "hidden_size": 896}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f)


class Hub(http.server.BaseHTTPRequestHandler):
    """The Hub's resolve route for one model (huggingface_hub: {endpoint}/{repo}/resolve/{revision}/{file})."""

    seen: list = []

    def do_GET(self):
        Hub.seen.append((self.path, self.headers.get("Authorization")))
        if self.path == "/org/gated/resolve/main/config.json":
            self.send_response(401)
            self.end_headers()
            return
        if self.path != "/org/public/resolve/main/config.json":
            self.send_response(404)
            self.end_headers()
            return
        body = json.dumps(CONFIG).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


class Resolve(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.env = {"HF_HOME": os.path.join(self.d, "hf"), "HF_HUB_OFFLINE": "1"}

    def tearDown(self):
        self.tmp.cleanup()

    def test_a_folder_and_a_lora_folder_stand_for_their_model(self):
        write(os.path.join(self.d, "m", "config.json"), CONFIG)
        self.assertEqual(resolve(os.path.join(self.d, "m"), self.env), (os.path.join(self.d, "m", "config.json"), CONFIG))
        write(os.path.join(self.d, "lora", "adapter_config.json"), {"base_model_name_or_path": os.path.join(self.d, "m"), "r": 16})
        self.assertEqual(resolve(os.path.join(self.d, "lora"), self.env)[1], CONFIG)
        os.makedirs(os.path.join(self.d, "empty"))
        with self.assertRaisesRegex(NotFound, "has no config.json"):
            resolve(os.path.join(self.d, "empty"), self.env)
        with self.assertRaisesRegex(NotFound, "there is no folder /no/such/model on this node"):
            resolve("/no/such/model", self.env)

    def test_the_cache_snapshot_refs_main_points_at_before_a_newer_one(self):
        root = os.path.join(self.d, "hf", "hub", "models--org--m")
        write(os.path.join(root, "snapshots", "old", "config.json"), {**CONFIG, "rev": "old"})
        write(os.path.join(root, "snapshots", "new", "config.json"), {**CONFIG, "rev": "new"})
        now = time.time()
        os.utime(os.path.join(root, "snapshots", "old", "config.json"), (now - 60, now - 60))
        self.assertEqual(resolve("org/m", self.env)[1]["rev"], "new")  # no refs/main: the newest
        os.makedirs(os.path.join(root, "refs"))
        with open(os.path.join(root, "refs", "main"), "w") as f:
            f.write("old\n")
        self.assertEqual(resolve("org/m", self.env)[1]["rev"], "old")
        # HF_HUB_CACHE before HF_HOME, as huggingface_hub reads them
        env = {**self.env, "HF_HUB_CACHE": os.path.join(self.d, "elsewhere")}
        with self.assertRaisesRegex(NotFound, r"org/m is not in this node's Hugging Face cache \(.*elsewhere\) and HF_HUB_OFFLINE is set"):
            resolve("org/m", env)

    def test_not_cached_config_json_alone_from_the_hub_with_the_nodes_token(self):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            env = {"HF_HOME": os.path.join(self.d, "hf"), "HF_ENDPOINT": f"http://127.0.0.1:{server.server_port}/", "HF_TOKEN": "hf_secret"}
            Hub.seen.clear()
            source, config = resolve("org/public", env)
            self.assertEqual((source, config), (f"http://127.0.0.1:{server.server_port}/org/public/resolve/main/config.json", CONFIG))
            self.assertEqual(Hub.seen, [("/org/public/resolve/main/config.json", "Bearer hf_secret")])
            with self.assertRaisesRegex(NotFound, "HTTP 401 .*needs HF_TOKEN on the cluster"):
                resolve("org/gated", env)
            with self.assertRaisesRegex(NotFound, r"org/absent is not in this node's Hugging Face cache .*, and the Hub answered HTTP 404"):
                resolve("org/absent", env)
        finally:
            server.shutdown()
            server.server_close()

    def test_the_printed_markers_and_the_error_line(self):
        write(os.path.join(self.d, "m", "config.json"), CONFIG)
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual(main([os.path.join(self.d, "m")]), 0)
        lines = out.getvalue().splitlines()
        self.assertEqual((lines[0], json.loads(lines[1]), lines[2]), (f"{BEGIN} {os.path.join(self.d, 'm', 'config.json')}", CONFIG, END))
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual(main(["/no/such/model"]), 1)
        self.assertTrue(out.getvalue().startswith(f"{ERROR} there is no folder /no/such/model"))


if __name__ == "__main__":
    unittest.main()
