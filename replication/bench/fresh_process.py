"""Bench measurements that run in a Python process of their own, so that what they measure (the threads
TensorFlow takes, the peak memory) is not set by what this process has done."""

import json
import subprocess
import sys


def in_fresh_process(function, *args):
    """Runs function(*args) in a new Python process and returns the last line it printed, read as json."""
    code = f"from {function.__module__} import {function.__name__}; {function.__name__}{args!r}"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])
