"""A probe's record on disk and in memory: plain .npz files (no pickles) and a dict that can plot itself."""

import os

import numpy as np

from .writing import write_atomically


class ProbeHistory(dict):
    """A ResponseProbe's record: a dict of numpy arrays (see `ResponseProbe.history`), with `plot`."""

    def plot(self, path, epochs=None):
        """Draws the aging curve and the response kernel at a few measured epochs into `path` (png);
        see `training_response.plot.plot_history`."""
        from .plot import plot_history  # matplotlib is imported only by those who draw

        return plot_history(self, path, epochs=epochs)


def save_npz(path, arrays):
    """np.savez_compressed, written atomically."""
    write_atomically(path, lambda fh: np.savez_compressed(fh, **arrays))


def load_history(path):
    """A history written by `ResponseProbe.save` as a ProbeHistory. A missing, corrupt or foreign file (not
    an npz, or without the probe's epoch and distance) raises a ValueError naming it; pickled objects are
    never loaded."""
    try:
        with np.load(path, allow_pickle=False) as z:
            history = ProbeHistory({key: z[key] for key in z.files})
    except Exception as error:  # OSError, BadZipFile, pickled content, truncation: all unreadable
        raise ValueError(f"cannot read {os.fspath(path)!r} as a ResponseProbe history ({type(error).__name__}: {error})") from None
    missing = [key for key in ("epoch", "distance") if key not in history]
    if missing:
        raise ValueError(f"{os.fspath(path)!r} is not a ResponseProbe history: it lacks {missing}; write one with probe.save()")
    return history
