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


def write_text(path, text):
    """Writes `text` to `path` atomically, with the project's one writer (`training_response.writing`)."""
    # Imported here: the package loads TensorFlow, which the checks above must not wait for.
    from training_response.writing import write_atomically

    return write_atomically(path, lambda fh: fh.write(text.encode()))


def write_json(path, record):
    """Writes `record` as json to `path` atomically."""
    return write_text(path, json.dumps(record, indent=2, allow_nan=False) + "\n")
