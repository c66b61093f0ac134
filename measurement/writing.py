"""The one file writer: every file the project writes (npz, json, png, md) goes through it."""

import os


def write_atomically(path, write):
    """Calls write(file) on a temporary file beside `path` (its folder is created), then renames it to
    `path`, so a crash never leaves half a file. Returns `path`."""
    path = os.fspath(path)
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
