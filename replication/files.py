"""Where results go: checks made before any work starts (no TensorFlow import, so the command line
can refuse bad input with one line)."""

import os


def check_writable(out):
    """Fails before any work when the output folder cannot be written."""
    probe_dir = out
    while not os.path.exists(probe_dir):
        probe_dir = os.path.dirname(os.path.abspath(probe_dir))
    if not os.path.isdir(probe_dir) or not os.access(probe_dir, os.W_OK):
        raise ValueError(f"cannot write results under {out!r}; choose a writable folder with --out")
