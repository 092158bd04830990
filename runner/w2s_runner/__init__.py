"""W2S Studio's runner: SFT and evaluation jobs on a GPU node, reporting through `@@w2s {json}` lines.

Submitted by W2S Studio as part of a Ray job's working_dir (`python -m w2s_runner sft|eval job.json`);
it can also be run by hand on any machine with the packages of requirements.txt.
"""

__version__ = "0.1.0"

#: Version of the record format (records.py). The extension refuses nothing, but says when it differs.
PROTOCOL = 1
