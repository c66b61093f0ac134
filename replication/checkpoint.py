"""Checkpoints of an ensemble run: the replicas' weights and state (dropout seed states included), the
measurements so far and how far along the schedule the run is, written atomically at most every
`seconds` (default 60, or $REPLICATION_CHECKPOINT_SECONDS) at a measured epoch. A rerun of the same
command (same config hash) after the process was killed continues from there, and because training
resumes at the same segment boundaries its results equal an uninterrupted run's bit for bit."""

import os
import time

import numpy as np

from training_response.record import save_npz

DEFAULT_SECONDS = 60.0


def interval():
    text = os.environ.get("REPLICATION_CHECKPOINT_SECONDS")
    try:
        return DEFAULT_SECONDS if text is None else float(text)
    except ValueError:
        raise ValueError(f"REPLICATION_CHECKPOINT_SECONDS={text!r} is not a number of seconds") from None


class Checkpoint:
    """One variant's checkpoint file, valid only for the run whose config hash is `digest`."""

    def __init__(self, path, digest, seconds=None):
        self.path, self.digest = path, digest
        self.seconds = interval() if seconds is None else seconds
        self.last = time.monotonic()
        self.resumed_at = None  # the epoch a loaded checkpoint had reached

    def load(self):
        """(schedule steps done, params, state, records) of this run's checkpoint, or None."""
        if not os.path.exists(self.path):
            return None
        try:
            with np.load(self.path, allow_pickle=False) as z:
                if str(z["digest"]) != self.digest:
                    return None
                params = [z[f"params.{i}"] for i in range(int(z["n_params"]))]
                state = [z[f"state.{i}"] for i in range(int(z["n_state"]))]
                records = {name[len("record.") :]: list(z[name]) for name in z.files if name.startswith("record.")}
                done = int(z["done"])
        except Exception:  # a checkpoint that cannot be read is not used: the run starts over
            return None
        self.resumed_at = int(records["epoch"][-1])
        return done, params, state, records

    def maybe_save(self, done, params, state, records):
        """Saves when `seconds` have passed since the last save (or the start)."""
        if time.monotonic() - self.last < self.seconds:
            return
        arrays = {"digest": np.asarray(self.digest), "done": np.asarray(done), "n_params": len(params), "n_state": len(state)}
        arrays.update({f"params.{i}": np.asarray(p) for i, p in enumerate(params)})
        arrays.update({f"state.{i}": np.asarray(s) for i, s in enumerate(state)})
        arrays.update({f"record.{key}": np.asarray(values) for key, values in records.items()})
        save_npz(self.path, arrays)
        self.last = time.monotonic()

    def remove(self):
        if os.path.exists(self.path):
            os.remove(self.path)
