import io
import json
import os
import tempfile
import unittest
from unittest import mock

from w2s_runner import probe


def parse(text):
    line = text.strip().splitlines()[-1]
    assert line.startswith("@@w2s "), line
    return json.loads(line[len("@@w2s "):])


class Probe(unittest.TestCase):
    def test_reports_this_node_with_free_disk_and_a_shared_root_then_removes_its_marker(self):
        with tempfile.TemporaryDirectory() as root:
            out = io.StringIO()
            # without Ray the probe reports the machine it runs on
            with mock.patch.object(probe, "probe_all_nodes", lambda r, m: ([probe.node_report(r, m)], "ray is not installed")):
                probe.run(root, out)
            rec = parse(out.getvalue())
            self.assertEqual(rec["type"], "probe")
            node = rec["nodes"][0]
            for key in ("host", "python", "torch", "transformers", "accelerate", "vllm", "cuda", "gpus"):
                self.assertIn(key, node)
            self.assertEqual(node["checkpoint_root"]["sees_marker"], True)
            self.assertGreater(node["checkpoint_root"]["free_gib"], 0)
            self.assertEqual(rec["checkpoint_root"]["shared"], True)
            self.assertEqual([f for f in os.listdir(root) if f.startswith(probe.MARKER_PREFIX)], [], "marker removed")

    def test_a_node_that_cannot_see_the_marker_makes_the_root_node_local(self):
        nodes = [{"checkpoint_root": {"sees_marker": True}}, {"checkpoint_root": {"sees_marker": False}}]
        self.assertEqual(probe.summarize_root("/data/ckpt", nodes)["shared"], False)
        self.assertEqual(probe.summarize_root("/data/ckpt", nodes[:1])["shared"], True)

    def test_a_bucket_uri_is_passed_through_as_shared_and_not_touched(self):
        self.assertIsNone(probe.leave_marker("s3://bucket/ckpt"))
        self.assertEqual(probe.root_report("gs://b/c", None), {"path": "gs://b/c", "uri": True})
        self.assertEqual(probe.summarize_root("s3://bucket/ckpt", [{}])["shared"], True)

    def test_a_missing_package_is_none_and_a_broken_one_says_why(self):
        self.assertIsNone(probe.package_version("w2s_no_such_package_zz"))
        with mock.patch("importlib.import_module", side_effect=OSError("libcudart.so.12: cannot open")):
            self.assertRegex(probe.package_version("torch") or "", r"^error: OSError: libcudart")

    def test_a_root_not_created_yet_reports_the_disk_of_its_nearest_parent(self):
        with tempfile.TemporaryDirectory() as d:
            rep = probe.root_report(os.path.join(d, "a", "b"), None)
            self.assertFalse(rep["exists"])
            self.assertGreater(rep["free_gib"], 0)


if __name__ == "__main__":
    unittest.main()
