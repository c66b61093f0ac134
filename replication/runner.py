"""The one runner every figure goes through: set up and train each variant's ensemble (training.py),
analyse it (stats, claims), and write DIR/<paper>/<name>.npz, .json and .png (results_io)."""

import dataclasses
import time
import warnings

import keras
import numpy as np
import tensorflow as tf

from training_response.kinds import SCALARS
from training_response.data.mnist import load as load_mnist
from . import claims as claim_checks
from . import plots, stats, theory
from .checkpoint import Checkpoint
from .files import check_writable
from .keeping import KEPT, keep_mode
from .problem import learning_rate
from .progress import NO_PROGRESS
from .results_io import checkpoint_path, comparison_arrays, flatten_variants, load_references, without_diverged, write_figure
from .training import get_trainer, run_ensemble


def summaries(fig, data):
    """Ensemble summaries stored beside the raw arrays: means and standard errors over replicas of
    the aging curve and kernels, the feature statistics, and the outputs per shell at the last epoch."""
    out = {}
    kind = fig.probe.get("aging_kind")
    if kind in data:
        out["aging_mean"], out["aging_sem"] = stats.mean_sem(stats.aging(data[kind], data["distance"]))
    if kind in data and np.ndim(data["distance"]) == 1:  # shells shared by all replicas
        levels, k = stats.kernel(data[kind], data["distance"])
        rows = stats.epoch_rows(data["epoch"], data["kernel_epochs"])
        out["kernel_distance"] = levels
        out["kernel_mean"], out["kernel_sem"] = stats.mean_sem(k[:, rows])
    for key in SCALARS["features"]:
        if key in data:
            out[f"{key}_mean"], out[f"{key}_sem"] = stats.mean_sem(data[key])
    if "group" in data:
        out["group_output_mean"], out["group_output_sem"] = stats.mean_sem(stats.group_trajectories(data))
        if "meanfield" in data:
            out["meanfield_mean"], _ = stats.mean_sem(data["meanfield"])
    if "output" in data and "distance" in data:
        levels, final = stats.shell_means(data["output"][:, -1:], data["distance"])
        out["output_distance"] = levels
        out["output_final_mean"], out["output_final_sem"] = stats.mean_sem(final[:, 0])
    return out


# What shows a replica's divergence: its weights turned non-finite make these non-finite. (The exact
# step is not among them: it is 0/0 wherever f(x_o) reaches a regression target in float32.)
_DIVERGENCE_KEYS = ("f_o", "output", "ntk", "feature_mean")


def divergence(data):
    """Per replica, whether its measurements became non-finite (R,), and [{replica, epoch}] with the
    first measured epoch at which they did."""
    keys = [k for k in _DIVERGENCE_KEYS if k in data]
    if not keys:
        return np.zeros(0, bool), []
    first = np.asarray(data[keys[0]])
    bad = np.zeros(first.shape[:2], bool)
    for key in keys:
        values = np.asarray(data[key])
        bad |= ~np.isfinite(values.reshape(values.shape[:2] + (-1,))).all(axis=2)
    rows = bad.any(axis=1)
    found = [{"replica": int(r), "epoch": int(data["epoch"][np.argmax(bad[r])])} for r in np.flatnonzero(rows)]
    return rows, found


def _screen_divergence(name, data):
    """Flags the replicas that diverged in `data` (in place, as "diverged"), warns about each, and
    returns (the data without them, their [{replica, epoch}]). Every replica diverged: ValueError."""
    mask, found = divergence(data)
    if mask.size:
        data["diverged"] = mask
    if mask.size and mask.all():
        raise ValueError(f"{name}: every replica diverged (non-finite weights by epoch {max(d['epoch'] for d in found)}); lower the learning rate")
    for d in found:
        warnings.warn(f"{name}: replica {d['replica']} diverged at epoch {d['epoch']}; it is left out of every average and claim")
    # Averages, claims and plots see the finite replicas only; the npz keeps all, with the flags.
    return without_diverged(data, mask), found


def _config(fig, replicas, epochs):
    """The figure's config as run: its sizes, and for a reduced run an assumption saying so first."""
    config = {**fig.to_json(), "replicas": replicas, "epochs": epochs}
    if (replicas, epochs) != (fig.replicas, fig.epochs):
        # The assumption texts give the figure's own sizes; a reduced run says what it ran.
        config["assumptions"] = {
            "size_of_this_run": f"{replicas} replicas × {epochs} epochs, not the figure's {fig.replicas} × {fig.epochs}: "
            "sizes in the texts below are the figure's defaults",
            **config["assumptions"],
        }
    return config


def run_figure(run, progress=NO_PROGRESS, mnist=None, command=None):
    """Runs one figure run (run.Run) end to end and returns the paths of its files (results_io.output_paths).
    `progress` counts its replica-epochs (a progress.Progress shared with other runs, or NO_PROGRESS).
    `mnist` is what training_response.data.mnist.load() returned, for figures that train on MNIST; None
    loads it from `run.mnist` when one is needed. `command` is the command recorded in the json."""
    fig, replicas, epochs, seed, out = run.figure, run.replicas, run.epochs, run.seed, run.out
    if replicas < 1 or epochs < 1:
        raise ValueError(f"replicas={replicas} and epochs={epochs} must both be >= 1")
    check_writable(out)
    trainer = get_trainer(run.engine)
    images = None
    if fig.kind == "images":
        mnist = load_mnist(run.mnist) if mnist is None else mnist
        images = mnist.images
        run = dataclasses.replace(run, mnist_source=mnist.source)  # what this run trains on
    digest = run.config_hash()
    start = time.perf_counter()
    raw, runs, summary, kept, diverged, checkpoints = {}, {}, {}, {}, {}, {}
    for label, variant in fig.variant_configs():
        keep = keep_mode(variant, replicas, epochs)
        checkpoints[label] = Checkpoint(checkpoint_path(fig, out, label), digest)
        raw[label] = run_ensemble(variant, replicas, epochs, seed, trainer, progress, keep, images, checkpoints[label])
        if "weight_0" in raw[label]:  # kept for the 2024 paper's theory, computed from them here
            raw[label].update(theory.derived(raw[label], variant.model["activation"], learning_rate(variant)))
        runs[label], diverged[label] = _screen_divergence(f"{fig.id}{f' [{label}]' if label else ''}", raw[label])
        summary[label] = summaries(variant, runs[label])
        kept[label] = KEPT[keep]
    references = load_references(fig, out)
    claims = claim_checks.evaluate_claims(fig.claims, runs, references)
    single = list(runs) == [""]
    resumed = {label: c.resumed_at for label, c in checkpoints.items() if c.resumed_at is not None}
    record = {
        "figure": fig.id,
        "title": fig.title,
        "command": command or f"python -m replication run {fig.id} --replicas {replicas} --epochs {epochs} --seed {seed} --out {out}",
        "engine": trainer.name,
        "config_hash": digest,
        "seed": int(seed),
        "replicas": replicas,
        "epochs": epochs,
        "seconds": round(time.perf_counter() - start, 1),
        "kept": kept[""] if single else kept,
        # Only a run that continued from a checkpoint says so: the epoch it had reached, per variant.
        **({"resumed_from_epoch": resumed.get("") if single else resumed} if resumed else {}),
        "diverged": diverged[""] if single else diverged,
        **({"mnist": {"source": mnist.source, "images_in_source": len(images), "paper": "sampled from the 60,000 training images"}} if images is not None else {}),
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__},
        "config": _config(fig, replicas, epochs),
        "claims": claims,
        "diagnostics": claim_checks.diagnostics(runs[""], claims) if single else {
            label: claim_checks.diagnostics(data, [c for c in claims if c["parameters"].get("variant", "") == label])
            for label, data in runs.items()
        },
    }
    arrays = flatten_variants({label: {**raw[label], **summary[label]} for label in runs})
    shells = flatten_variants({label: comparison_arrays(raw[label]) for label in runs})
    paths = write_figure(fig, out, arrays, record, lambda file: plots.plot_figure(fig, runs, summary, claims, file, references), shells)
    for checkpoint in checkpoints.values():
        checkpoint.remove()
    return paths
