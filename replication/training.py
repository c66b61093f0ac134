"""Training an ensemble for a figure: the two training paths behind one small protocol, chosen once by
name, and the run's arrays in one layout whichever path made them.

A trainer has a `name` (recorded in the results) and two methods, each given the figure (one variant),
the replicas' setups (problem.replica_setup), the number of epochs, the measured epochs and a progress
update function (or None):
- train_points(fig, setups, epochs, schedule, keep, bar, checkpoint): one training point per replica, probed at
  points around it; returns epoch, learning_rate, distance, f_o, the kept kinds (keeping.kept) with a
  leading replica axis, and x_o, y_o, probe_x.
- train_dataset(fig, setups, epochs, schedule, bar, checkpoint): a set of points per replica, probed at
  every pair; returns epoch, learning_rate and kinds.SGD_KINDS with a leading replica axis.
`checkpoint` (checkpoint.Checkpoint or None) is where a trainer that can resume saves and resumes.
A new training path is a class with these two methods, added to TRAINERS."""

import numpy as np

from . import meanfield, simplified
from .ensemble_trainer import EnsembleTrainer
from .fit_trainer import FitTrainer
from .problem import clean_after_epoch, kernel_epochs, learning_rate, measured_epochs, replica_setup
from .progress import NO_PROGRESS

TRAINERS = {trainer.name: trainer for trainer in (EnsembleTrainer(), FitTrainer())}
ENGINES = tuple(TRAINERS)


def get_trainer(name):
    """The training path called `name` ("ensemble" or "fit")."""
    if name not in TRAINERS:
        raise ValueError(f"unknown engine {name!r}; use one of {list(ENGINES)}")
    return TRAINERS[name]


def _run_simplified(fig, epochs):
    """The simplified system of one variant, in the runner's layout: one deterministic "replica" whose
    only probe point is x_o, its response C σ′(x)² stored as the "step" kind."""
    m, rate = fig.model, learning_rate(fig)
    run = simplified.iterate(fig.training["y_o"], rate, m["a"], epochs, x0=m["x0"], c=m["c"])
    rows = np.asarray([0] + measured_epochs(fig, epochs))
    return {
        "epoch": rows,
        "distance": np.zeros(1, np.int64),
        "learning_rate": np.full(len(rows), rate, np.float32),
        "kernel_epochs": np.asarray(kernel_epochs(fig, epochs), dtype=np.int64),
        "step": run["response"][rows][None, :, None],
        "x": run["x"][rows][None],
        "f_o": run["y"][rows][None],
        "y_o": np.asarray([fig.training["y_o"]]),
    }


def _dataset_run(fig, trainer, setups, epochs, schedule, bar, checkpoint):
    # A "groups" dataset whose batch_size B is below its N points streams k = N / B steps per epoch
    # (problem._dataset_setup). The trainers take every stream step for an epoch, so they train epochs·k
    # steps measured at the end of each scheduled epoch's last step, and the progress bar (replica-epochs)
    # and the recorded epochs are mapped back to epochs; a checkpoint holds steps (only this run reads it).
    # k = 1 (B >= N, and every other dataset) is the plain one-step-per-epoch run.
    steps = len(setups[0]["targets"])
    k = steps // epochs if epochs else 1
    if k * epochs != steps:
        raise RuntimeError(f"a stream of {steps} steps is no whole number of steps per epoch over {epochs} epochs")
    if k == 1:
        data = trainer.train_dataset(fig, setups, epochs, schedule, bar, checkpoint)
    else:
        data = trainer.train_dataset(fig, setups, steps, [e * k for e in schedule], lambda done: bar(done // k), checkpoint)
        data["epoch"] = np.asarray(data["epoch"], np.int64) // k
        if checkpoint is not None and checkpoint.resumed_at is not None:
            checkpoint.resumed_at //= k
    data.update({key: np.stack([s[key] for s in setups]) for key in ("points", "point_y", "group")})
    data["kernel_epochs"] = np.asarray(kernel_epochs(fig, epochs), dtype=np.int64)
    spec = fig.training["dataset"]
    if spec["kind"] == "groups":
        # Each replica's mean-field prediction (eq. 11) from its own response scale at epoch 0, per epoch
        # whatever B: a step on B points moves f_i by (2η/B) Σ_{j in batch} (y_j − f_j) Θ(x_j, x_i), and an
        # epoch's N/B steps take every point once, so an epoch moves it by (2η/B) Σ_{all N points j}: what
        # rate_matrix integrates per epoch with B = min(batch_size, N) (B = 1: N times a full batch's rate).
        data["meanfield"] = meanfield.predict_run(data, spec.get("batch_size", 32)).astype(np.float32)
    return data


def _points_run(fig, trainer, setups, epochs, schedule, keep, bar, checkpoint):
    data = trainer.train_points(fig, setups, epochs, schedule, keep, bar, checkpoint)
    data["kernel_epochs"] = np.asarray(kernel_epochs(fig, epochs), dtype=np.int64)
    data["f_o"] = np.asarray(data["f_o"], np.float32)
    data["y_o"] = np.asarray(data["y_o"], np.float32)
    if "features" in fig.probe["kinds"]:
        # What dead_fraction counts as dead, per replica like the measurements (resampled with them).
        data["dead_share"] = np.full(len(setups), fig.probe.get("dead_share", 0.0), np.float32)
    if clean_after_epoch(fig, epochs) is not None:
        data["clean_after_epoch"] = np.full(len(setups), clean_after_epoch(fig, epochs), np.int64)
    if keep == "shells":
        del data["probe_x"]  # the summaries no longer refer to single probe points
    if fig.kind == "images":
        # Indices into the source instead of the images: 1,000 probe images per replica are tens of MB.
        del data["probe_x"]
        data["point_index"] = np.asarray([s["point_index"] for s in setups], np.int64)
        data["probe_index"] = np.stack([s["probe_index"] for s in setups])
    return data


def run_ensemble(fig, replicas, epochs, seed, trainer=TRAINERS["ensemble"], progress=NO_PROGRESS, keep="raw", images=None, checkpoint=None):
    """Trains the ensemble with `trainer` and returns arrays with a leading replica axis: the
    same keys from either trainer. `progress` counts its replica-epochs (a progress.Progress, or NO_PROGRESS).
    `keep` is "raw" (per probe point) or "shells" (per-shell mean and std); `images` (N, H, W) are the
    MNIST images of figures that train on them; `checkpoint` a checkpoint.Checkpoint to resume from and save to."""
    if fig.kind == "simplified":
        return _run_simplified(fig, epochs)
    schedule = measured_epochs(fig, epochs)
    setups = [replica_setup(fig, seed, r, epochs, images) for r in range(replicas)]
    bar = progress.ensemble(replicas * epochs)
    if fig.kind == "pairs":
        return _dataset_run(fig, trainer, setups, epochs, schedule, bar, checkpoint)
    return _points_run(fig, trainer, setups, epochs, schedule, keep, bar, checkpoint)
