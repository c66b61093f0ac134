"""Where results go: checks made before any work starts (no TensorFlow import, so the command line
can refuse bad input with one line)."""

import json
import os


def check_writable(out):
    """Fails before any work when the output folder cannot be written."""
    probe_dir = out
    while not os.path.exists(probe_dir):
        probe_dir = os.path.dirname(os.path.abspath(probe_dir))
    if not os.path.isdir(probe_dir) or not os.access(probe_dir, os.W_OK):
        raise ValueError(f"cannot write results under {out!r}; choose a writable folder with --out")


def write_json(path, record):
    """Writes `record` as json to `path` atomically: a temporary file in the same folder, then a rename."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    partial = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.partial")
    try:
        with open(partial, "w") as fh:
            json.dump(record, fh, indent=2, allow_nan=False)
            fh.write("\n")
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
