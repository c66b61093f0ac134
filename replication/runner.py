"""The one runner every figure goes through: train an ensemble with a ResponseProbe, analyse, write
DIR/<paper>/<name>.npz, .json and .png."""

import hashlib
import json
import os
import time
import warnings

import keras
import numpy as np
import tensorflow as tf

from training_response import ResponseProbe
from training_response.response import KINDS
from training_response.points import probe_points
from training_response.record import save_npz
from training_response.response_probe import SCALARS
from training_response.schedule import log_epochs
from training_response.data import draw_point_target, random_bits, target_stream
from training_response.data.datasets import full_batch_stream, grouped_points, mixture_stream, two_points
from training_response.data.mnist import load as load_mnist
from training_response.data.streams import random_training
from . import analysis, figures, meanfield, plots, simplified
from .files import check_writable
from .engine import Ensemble
from .models import BUILDERS

ENGINES = ("ensemble", "fit")

# Raw histories (replica × measured epoch × probe point, per kind) above this size are reduced to
# per-shell summaries while the run goes on, so memory stays bounded whatever the probe.
RAW_LIMIT_BYTES = 32 * 2**20


def measured_epochs(fig, epochs):
    """The probe's schedule within 1..epochs: every epoch, or log-spaced epochs plus the kernel epochs."""
    schedule = fig.probe.get("schedule", "log")
    if schedule == "every":
        return list(range(1, epochs + 1))
    if schedule == "kernel":
        return [e for e in kernel_epochs(fig, epochs) if e > 0]
    if schedule != "log":
        raise ValueError(f"unknown probe schedule {schedule!r}; use 'log', 'every' or 'kernel'")
    return sorted(set(log_epochs(epochs)) | {e for e in fig.kernel_epochs if 0 < e <= epochs})


def kernel_epochs(fig, epochs):
    """The config's kernel epochs that fit in a run of `epochs`, ending with the last epoch."""
    return sorted({e for e in fig.kernel_epochs if e <= epochs} | {epochs})


def build_model(fig, seed):
    spec = dict(fig.model)
    return BUILDERS[spec.pop("builder")](**spec, seed=seed)


def is_dataset(fig):
    """Whether the figure trains on a set of several points (probed at every pair of them)."""
    return "dataset" in fig.training


def _dataset_setup(fig, rng, stream_seq, epochs):
    """A replica's points X (N, n), their targets, groups and its stream of (S, B) steps."""
    training, spec = fig.training, fig.training["dataset"]
    n_bits, values = fig.model["n_bits"], training["bits"]
    if spec["kind"] == "two_points":
        points = two_points(n_bits, spec["distance"], rng, values=values)
        # Both points share the probe's target; training draws its targets from the encoding.
        point_y = np.full(2, draw_point_target(training["point_target"], rng), np.float32)
        group = np.arange(2)
        stream_rng = np.random.default_rng(stream_seq)
        inputs, _ = mixture_stream(points, spec["alpha"], epochs, stream_rng)
        encoding = target_stream(training["encoding"], point_y[0], epochs, stream_rng, **training["encoding_params"])
        targets = encoding[:, None]
    elif spec["kind"] == "groups":
        points, point_y, group = grouped_points(n_bits, spec["groups"], rng, values=values)
        inputs, targets = full_batch_stream(points, point_y, epochs, spec.get("batch_size", 32))
    else:
        raise ValueError(f"unknown dataset kind {spec['kind']!r}; use 'two_points' or 'groups'")
    return {"points": points, "point_y": point_y, "group": group, "inputs": inputs, "targets": targets}


def _image_setup(fig, images, rng, stream_seq, probe_seq, epochs):
    """A replica's training image (uniform from the source), its target stream, and its probe: the
    image itself followed by `probe["images"]` other images sampled without replacement."""
    if images is None:
        raise ValueError(f"{fig.id} trains on MNIST images; load them with training_response.data.mnist.load() and pass images=")
    index = int(rng.integers(len(images)))
    x_o = images[index][..., None]
    y_o = draw_point_target(fig.training["point_target"], rng)
    targets = target_stream(fig.training["encoding"], y_o, epochs, stream_seq, **fig.training["encoding_params"])
    others = np.delete(np.arange(len(images)), index)
    count = fig.probe["images"]
    if count > len(others):
        raise ValueError(f"the probe wants {count} images besides x_o but the MNIST source has {len(others)}; use a larger source")
    probe_index = np.random.default_rng(probe_seq).choice(others, count, replace=False)
    probe_x = np.concatenate([x_o[None], images[probe_index][..., None]])
    return {"x_o": x_o, "y_o": y_o, "inputs": None, "targets": targets, "point_index": index, "probe_index": probe_index, "probe_x": probe_x}


def replica_setup(fig, seed, replica, epochs, images=None):
    """Everything random about one replica, fixed by (seed, replica): its training point (or points),
    its training stream (inputs, None for x_o at every step, and targets), the seed of its initial
    weights and the seed of its probe-point sampling."""
    seq = np.random.SeedSequence([int(seed), int(replica)])
    model_seq, point_seq, stream_seq, probe_seq = seq.spawn(4)
    rng = np.random.default_rng(point_seq)
    training = fig.training
    seeds = {"model_seed": int(model_seq.generate_state(1)[0]), "probe_seed": int(probe_seq.generate_state(1)[0])}
    if is_dataset(fig):
        return {**_dataset_setup(fig, rng, stream_seq, epochs), **seeds}
    if fig.uses_images:
        return {**_image_setup(fig, images, rng, stream_seq, probe_seq, epochs), **seeds}
    x_o = random_bits(fig.model["n_bits"], values=training["bits"], rng=rng)
    y_o = draw_point_target(training["point_target"], rng)
    if training.get("inputs", "fixed") == "random":
        inputs, targets = random_training(x_o, y_o, epochs, stream_seq, p_fixed=training["p_fixed"], values=training["bits"])
    else:
        inputs = None  # every step trains on x_o
        targets = target_stream(training["encoding"], y_o, epochs, stream_seq, **training["encoding_params"])
    return {"x_o": x_o, "y_o": y_o, "inputs": inputs, "targets": targets, **seeds}


class Progress:
    """One progress bar over several ensembles, counted in replica-epochs."""

    def __init__(self, total):
        self.bar = keras.utils.Progbar(max(1, int(total)), unit_name="replica-epoch")
        self.total, self.used = max(1, int(total)), 0

    def ensemble(self, size):
        """An update function for the next ensemble of `size` replica-epochs: update(done within it)."""
        base = self.used
        self.used += size
        return lambda done: self.bar.update(min(base + done, self.total))


class _Progress(keras.callbacks.Callback):
    """Advances the progress bar every 1% of a replica's epochs (per-epoch updates would cost more
    than the probe)."""

    def __init__(self, update, offset, epochs):
        super().__init__()
        self.update, self.offset, self.stride, self.epochs = update, offset, max(1, epochs // 100), epochs

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if self.update is not None and (done % self.stride == 0 or done == self.epochs):
            self.update(self.offset + done)


def work(fig, replicas, epochs):
    """Replica-epochs a figure trains: what its share of an overall progress bar counts."""
    return sum(0 if is_simplified(v) else replicas * epochs for _, v in fig.variant_configs())


def _step_inputs(setup, x_o, epochs):
    """The stream's inputs shaped like the model's input, (epochs, *x_o.shape)."""
    if setup["inputs"] is None:
        return np.broadcast_to(x_o, (epochs,) + x_o.shape)
    return setup["inputs"].reshape((epochs,) + x_o.shape)


def train_replica_fit(fig, setup, epochs, schedule, callbacks=()):
    """The reference path: one model.fit of `epochs` single-step epochs with a ResponseProbe."""
    model = build_model(fig, setup["model_seed"])
    x_o = setup["x_o"].reshape(tuple(model.inputs[0].shape[1:]))
    probe = ResponseProbe(
        x_o,
        setup["y_o"],
        probe_x=setup.get("probe_x"),
        shells=None if "probe_x" in setup else fig.probe["shells"],
        samples_per_shell=fig.probe.get("samples_per_shell"),
        epochs=schedule,
        kinds=fig.probe["kinds"],
        seed=setup["probe_seed"],
    )
    inputs = _step_inputs(setup, x_o, epochs)[:, None]
    fit_stream(model, inputs, setup["targets"][:, None], [probe, *callbacks])
    # The engine keeps x_o's own values among the shells (distance 0), not apart from them.
    at_x_o = {f"{kind}_o" for kind in KINDS}
    return {key: value for key, value in probe.history.items() if key not in at_x_o}


def fit_stream(model, inputs, targets, callbacks):
    """model.fit over a stream of steps, inputs (S, B, ...) and targets (S, B): one epoch per step.

    One dataset is iterated across epochs (steps_per_epoch=1), so each epoch is one SGD step on the
    stream's next batch, and Keras does not rebuild an iterator per epoch."""
    dataset = tf.data.Dataset.from_tensor_slices((inputs, np.asarray(targets, np.float32)[..., None]))
    model.fit(dataset, epochs=len(targets), steps_per_epoch=1, verbose=0, shuffle=False, callbacks=callbacks)


def train_dataset_fit(fig, setup, epochs, schedule, callbacks=()):
    """The reference path for a set of points: one model.fit with a ResponseProbe per training point,
    each probing all the points. Returns the probes' histories stacked: step/ntk (T, N_o, N), output (T, N)."""
    model = build_model(fig, setup["model_seed"])
    shape = tuple(model.inputs[0].shape[1:])
    points = setup["points"].reshape((-1,) + shape)
    probes = [ResponseProbe(x, y, probe_x=points, epochs=schedule, kinds=DATASET_KINDS) for x, y in zip(points, setup["point_y"])]
    fit_stream(model, setup["inputs"].reshape(setup["inputs"].shape[:2] + shape), setup["targets"], [*probes, *callbacks])
    histories = [p.history for p in probes]
    first = histories[0]
    return {
        "epoch": first["epoch"],
        "learning_rate": first["learning_rate"],
        "output": first["output"],
        **{kind: np.stack([h[kind] for h in histories], axis=1) for kind in ("step", "ntk")},
    }


# A set of points is probed at every pair: the response of each point to a step on each other.
DATASET_KINDS = ("step", "ntk", "output")


def is_simplified(fig):
    return fig.model["builder"] == "simplified"


def keep_mode(fig, replicas, epochs, limit=RAW_LIMIT_BYTES):
    """"raw" when the per-point float32 histories fit under `limit` bytes, else "shells"."""
    if is_simplified(fig) or is_dataset(fig) or fig.uses_images:
        return "raw"
    x = random_bits(fig.model["n_bits"], values=fig.training["bits"], rng=0)
    points = len(probe_points(x, None, fig.probe["shells"], fig.probe["samples_per_shell"], 0)[0])
    point_kinds = [k for k in fig.probe["kinds"] if k in KINDS]
    size = 4 * replicas * (len(measured_epochs(fig, epochs)) + 1) * points * len(point_kinds)
    return "raw" if size <= limit else "shells"


def reduce_to_shells(values, distance):
    """Per-shell mean and standard deviation over the shell's members, for (..., P) values."""
    levels = np.unique(distance)
    means = np.stack([values[..., distance == h].mean(axis=-1) for h in levels], axis=-1)
    stds = np.stack([values[..., distance == h].std(axis=-1) for h in levels], axis=-1)
    return levels, means.astype(np.float32), stds.astype(np.float32)


def _kept(record, kinds, distance, keep):
    """A replica's (or the ensemble's) measurements as the run keeps them: per-point kinds raw or
    reduced to shells, per-measurement scalars (feature statistics) as they are."""
    out = {key: record[key] for k in kinds for key in SCALARS.get(k, ())}
    point_kinds = [k for k in kinds if k in KINDS]
    if keep == "raw":
        return {**out, **{kind: record[kind] for kind in point_kinds}}, distance
    for kind in point_kinds:
        levels, out[kind], out[f"{kind}_shell_std"] = reduce_to_shells(record[kind], distance)
    return out, levels


def _run_fit(fig, setups, epochs, schedule, keep, bar):
    per_replica = []
    for r, setup in enumerate(setups):
        history = train_replica_fit(fig, setup, epochs, schedule, [_Progress(bar, r * epochs, epochs)])
        kept, distance = _kept(history, fig.probe["kinds"], history["distance"], keep)
        per_replica.append({**history, **kept, "distance": distance})
    first = per_replica[0]
    shared = ("epoch", "learning_rate", "distance")
    stacked = {key: np.stack([h[key] for h in per_replica]) for key in first if key not in shared}
    distance = _replicas_distance(fig, [h["distance"] for h in per_replica])
    return {"epoch": first["epoch"], "learning_rate": first["learning_rate"], "distance": distance, **stacked}


def replica_probe(fig, setup, x_o):
    """(probe points, distance) of one replica: its own sampled images, or Hamming shells around x_o."""
    if "probe_x" in setup:
        return probe_points(x_o, setup["probe_x"], None, None, 0)
    return probe_points(x_o, None, fig.probe["shells"], fig.probe["samples_per_shell"], setup["probe_seed"])


def _replicas_distance(fig, distances):
    """One (P,) distance layout shared by the replicas; (R, P) for images, whose distances are each
    replica's own."""
    if all(np.array_equal(d, distances[0]) for d in distances):
        return distances[0]
    if fig.uses_images:
        return np.stack(distances)
    raise RuntimeError("replicas were probed at different distance layouts; use whole or equally sampled shells")


def _train_and_record(ensemble, inputs, targets, schedule, record, bar):
    """record(0), then train to each scheduled epoch and record(epoch), advancing the progress bar."""
    record(0)
    done = 0
    inputs, targets = tf.constant(inputs, tf.float32), tf.constant(targets, tf.float32)
    for epoch in schedule:
        ensemble.train(inputs, targets, done, epoch)
        done = epoch
        record(epoch)
        if bar is not None:
            bar(done * ensemble.replicas)


def _run_engine(fig, setups, epochs, schedule, keep, bar):
    models = [build_model(fig, s["model_seed"]) for s in setups]
    shape = tuple(models[0].inputs[0].shape[1:])
    x_o = np.stack([s["x_o"].reshape(shape) for s in setups])
    y_o = np.asarray([s["y_o"] for s in setups], np.float32)
    points = [replica_probe(fig, s, x) for x, s in zip(x_o, setups)]
    probe_x = np.stack([p for p, _ in points])
    distance = _replicas_distance(fig, [d for _, d in points])
    targets = np.stack([s["targets"] for s in setups])[:, :, None]
    inputs = np.stack([_step_inputs(s, x, epochs) for s, x in zip(setups, x_o)])[:, :, None]
    ensemble = Ensemble(models)
    kinds = fig.probe["kinds"]
    records = {"epoch": [], "f_o": [], "learning_rate": []}
    kept_distance = distance

    def record(epoch):
        nonlocal kept_distance
        out = ensemble.measure(x_o, y_o, probe_x, kinds)
        kept, kept_distance = _kept(out, kinds, distance, keep)
        records["epoch"].append(epoch)
        records["f_o"].append(out["f_o"])
        records["learning_rate"].append(ensemble.learning_rate)
        for key, value in kept.items():
            records.setdefault(key, []).append(value)

    _train_and_record(ensemble, inputs, targets, schedule, record, bar)
    data = {
        "epoch": np.asarray(records.pop("epoch"), np.int64),
        "learning_rate": np.asarray(records.pop("learning_rate"), np.float32),
        "distance": kept_distance,
    }
    # Measurements are (T, R, ...) as recorded; the files hold (R, T, ...) like the fit path.
    data.update({key: np.swapaxes(np.asarray(v, np.float32), 0, 1) for key, v in records.items()})
    data.update(x_o=x_o, y_o=y_o, probe_x=probe_x)
    return data


def _dataset_arrays(setups):
    return {key: np.stack([s[key] for s in setups]) for key in ("points", "point_y", "group")}


def _run_dataset_fit(fig, setups, epochs, schedule, bar):
    histories = [
        train_dataset_fit(fig, s, epochs, schedule, [_Progress(bar, r * epochs, epochs)]) for r, s in enumerate(setups)
    ]
    first = histories[0]
    return {
        "epoch": first["epoch"],
        "learning_rate": first["learning_rate"],
        **{key: np.stack([h[key] for h in histories]) for key in DATASET_KINDS},
        **_dataset_arrays(setups),
    }


def _run_dataset_engine(fig, setups, epochs, schedule, bar):
    models = [build_model(fig, s["model_seed"]) for s in setups]
    shape = tuple(models[0].inputs[0].shape[1:])
    arrays = _dataset_arrays(setups)
    points = arrays["points"].reshape(arrays["points"].shape[:2] + shape)
    inputs = np.stack([s["inputs"] for s in setups])
    inputs = inputs.reshape(inputs.shape[:3] + shape)
    targets = np.stack([s["targets"] for s in setups])
    ensemble = Ensemble(models)
    records = {"epoch": [], "learning_rate": [], **{kind: [] for kind in DATASET_KINDS}}

    def record(epoch):
        out = ensemble.measure_pairs(points, arrays["point_y"], DATASET_KINDS)
        records["epoch"].append(epoch)
        records["learning_rate"].append(ensemble.learning_rate)
        records["output"].append(out["output"][:, 0])  # the same f at every point whichever point steps
        for kind in ("step", "ntk"):
            records[kind].append(out[kind])

    _train_and_record(ensemble, inputs, targets, schedule, record, bar)
    return {
        "epoch": np.asarray(records["epoch"], np.int64),
        "learning_rate": np.asarray(records["learning_rate"], np.float32),
        # Recorded (T, R, ...); the files hold (R, T, ...) like the fit path.
        **{kind: np.swapaxes(np.asarray(records[kind], np.float32), 0, 1) for kind in DATASET_KINDS},
        **arrays,
    }


def _run_simplified(fig, epochs):
    """The simplified system of one variant, in the runner's layout: one deterministic "replica" whose
    only probe point is x_o, its response C σ′(x)² stored as the "step" kind."""
    m = fig.model
    run = simplified.iterate(fig.training["y_o"], m["eta"], m["a"], epochs, x0=m["x0"], c=m["c"])
    rows = np.asarray([0] + measured_epochs(fig, epochs))
    return {
        "epoch": rows,
        "distance": np.zeros(1, np.int64),
        "learning_rate": np.full(len(rows), m["eta"], np.float32),
        "kernel_epochs": np.asarray(kernel_epochs(fig, epochs), dtype=np.int64),
        "step": run["response"][rows][None, :, None],
        "x": run["x"][rows][None],
        "f_o": run["y"][rows][None],
        "y_o": np.asarray([fig.training["y_o"]]),
    }


def run_ensemble(fig, replicas, epochs, seed, progress=True, engine="ensemble", keep="raw", images=None):
    """Trains the ensemble with `engine` and returns arrays with a leading replica axis: the same keys
    from either engine. `progress` is True (a bar of its own), False, or a shared Progress. `keep` is
    "raw" (per probe point) or "shells" (per-shell mean and std);
    `images` (N, H, W) are the MNIST images of figures that train on them."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; use one of {list(ENGINES)}")
    if is_simplified(fig):
        return _run_simplified(fig, epochs)
    schedule = measured_epochs(fig, epochs)
    setups = [replica_setup(fig, seed, r, epochs, images) for r in range(replicas)]
    if progress is True:
        progress = Progress(replicas * epochs)
    bar = progress.ensemble(replicas * epochs) if progress else None
    if is_dataset(fig):
        run = _run_dataset_engine if engine == "ensemble" else _run_dataset_fit
        data = run(fig, setups, epochs, schedule, bar)
        data["kernel_epochs"] = np.asarray(kernel_epochs(fig, epochs), dtype=np.int64)
        spec = fig.training["dataset"]
        if spec["kind"] == "groups":
            # Each replica's mean-field prediction (eq. 11) from its own response scale at epoch 0.
            data["meanfield"] = meanfield.predict_run(data, spec.get("batch_size", 32)).astype(np.float32)
        return data
    run = _run_engine if engine == "ensemble" else _run_fit
    data = run(fig, setups, epochs, schedule, keep, bar)
    data["kernel_epochs"] = np.asarray(kernel_epochs(fig, epochs), dtype=np.int64)
    data["f_o"] = np.asarray(data["f_o"], np.float32)
    data["y_o"] = np.asarray(data["y_o"], np.float32)
    if keep == "shells":
        del data["probe_x"]  # the summaries no longer refer to single probe points
    if fig.uses_images:
        # Indices into the source instead of the images: 1,000 probe images per replica are tens of MB.
        del data["probe_x"]
        data["point_index"] = np.asarray([s["point_index"] for s in setups], np.int64)
        data["probe_index"] = np.stack([s["probe_index"] for s in setups])
    return data


KEPT = {
    "raw": "raw per-point histories (replica × measured epoch × probe point)",
    "shells": "per-shell summaries (replica × measured epoch × Hamming distance): the mean over each shell's "
    "members in the kinds' arrays, their standard deviation in <kind>_shell_std; no probe_x",
}


def summaries(fig, data):
    """Ensemble summaries stored beside the raw arrays: means and standard errors over replicas of
    the aging curve and kernels, the feature statistics, and the outputs per shell at the last epoch."""
    out = {}
    kind = fig.probe.get("aging_kind")
    if kind in data:
        out["aging_mean"], out["aging_sem"] = analysis.mean_sem(analysis.aging(data[kind], data["distance"]))
    if kind in data and np.ndim(data["distance"]) == 1:  # shells shared by all replicas
        levels, k = analysis.kernel(data[kind], data["distance"])
        rows = analysis.epoch_rows(data["epoch"], data["kernel_epochs"])
        out["kernel_distance"] = levels
        out["kernel_mean"], out["kernel_sem"] = analysis.mean_sem(k[:, rows])
    for key in SCALARS["features"]:
        if key in data:
            out[f"{key}_mean"], out[f"{key}_sem"] = analysis.mean_sem(data[key])
    if "group" in data:
        out["group_output_mean"], out["group_output_sem"] = analysis.mean_sem(analysis.group_trajectories(data))
        if "meanfield" in data:
            out["meanfield_mean"], _ = analysis.mean_sem(data["meanfield"])
    if "output" in data and "distance" in data:
        levels, final = analysis.shell_means(data["output"][:, -1:], data["distance"])
        out["output_distance"] = levels
        out["output_final_mean"], out["output_final_sem"] = analysis.mean_sem(final[:, 0])
    return out


def output_paths(fig, out):
    stem = os.path.join(out, fig.paper, fig.name)
    return {ext: f"{stem}.{ext}" for ext in ("npz", "json", "png")}


def flatten_variants(per_variant):
    """{label: {key: array}} as one npz dict: keys "<label>.<key>", or plain keys for the label ""."""
    return {(f"{label}.{key}" if label else key): value for label, arrays in per_variant.items() for key, value in arrays.items()}


def load_figure_data(path):
    """A figure's npz back as {label: {key: array}}, without the replicas that diverged."""
    out = {}
    with np.load(path, allow_pickle=False) as z:
        for name in z.files:
            label, _, key = name.rpartition(".")
            out.setdefault(label, {})[key] = z[name]
    return {label: without_diverged(data, data.get("diverged")) for label, data in out.items()}


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


def without_diverged(data, diverged):
    """The data without the flagged replicas (all of it when none are)."""
    if diverged is None or not np.any(diverged):
        return data
    return analysis.resample_replicas(data, np.flatnonzero(~np.asarray(diverged, bool)))


def reference_ids(fig):
    """The figures that `fig`'s claims and panels compare against, in order."""
    wanted = [claim.get("reference") for claim in fig.claims]
    wanted += [ref for panel in fig.panels if isinstance(panel, dict) for ref in panel.get("references", ())]
    return list(dict.fromkeys(ref for ref in wanted if ref))


def load_references(fig, out):
    """The results of the figures that `fig`'s claims compare against, where they have been run."""
    references = {}
    for ref in reference_ids(fig):
        path = output_paths(figures.get(ref), out)["npz"]
        if os.path.exists(path):
            references[ref] = load_figure_data(path)
    return references


def _stored_record(fig, out):
    """The figure's json in `out` when its npz, json and png all exist, else None."""
    paths = output_paths(fig, out)
    if not all(os.path.exists(p) for p in paths.values()):
        return None
    try:
        with open(paths["json"]) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def config_hash(fig, replicas, epochs, seed, engine, out, mnist_source=None):
    """What a figure's results depend on, hashed: its config, scale, seed, engine, MNIST source and the
    results of the figures it compares against (their own hashes, as stored in `out`)."""
    references = {ref: (_stored_record(figures.get(ref), out) or {}).get("config_hash") for ref in reference_ids(fig)}
    payload = {
        "config": fig.to_json(),
        "replicas": fig.replicas if replicas is None else int(replicas),
        "epochs": fig.epochs if epochs is None else int(epochs),
        "seed": int(seed),
        "engine": engine,
        "mnist": mnist_source if fig.uses_images else None,
        "references": references,
    }
    return hashlib.sha256(json.dumps(_json_ready(payload), sort_keys=True).encode()).hexdigest()[:16]


def is_up_to_date(fig, digest, out):
    """Whether `out` holds the figure's complete results made with this config hash."""
    record = _stored_record(fig, out)
    return record is not None and record.get("config_hash") == digest


def run_figure(fig, *, replicas=None, epochs=None, seed=0, out="results", command=None, progress=True, engine="ensemble", mnist=None):
    """Runs one figure end to end and returns the paths of its npz, json and png. `progress` is True
    (a bar of its own), False, or a shared Progress. `mnist` is the (images, labels, source) of
    training_response.data.mnist.load() for figures that train on MNIST; None loads the default source when one is needed."""
    replicas = fig.replicas if replicas is None else int(replicas)
    epochs = fig.epochs if epochs is None else int(epochs)
    if replicas < 1 or epochs < 1:
        raise ValueError(f"replicas={replicas} and epochs={epochs} must both be >= 1")
    check_writable(out)
    if fig.uses_images and mnist is None:
        mnist = load_mnist()
    images = mnist[0] if fig.uses_images else None
    digest = config_hash(fig, replicas, epochs, seed, engine, out, mnist[2] if images is not None else None)
    if progress is True:
        progress = Progress(work(fig, replicas, epochs))
    start = time.perf_counter()
    runs, summary, kept = {}, {}, {}
    raw, diverged = {}, {}
    for label, variant in fig.variant_configs():
        keep = keep_mode(variant, replicas, epochs)
        raw[label] = run_ensemble(variant, replicas, epochs, seed, progress, engine, keep, images)
        mask, diverged[label] = divergence(raw[label])
        if mask.size:
            raw[label]["diverged"] = mask
        name = f"{fig.id}{f' [{label}]' if label else ''}"
        if mask.size and mask.all():
            raise ValueError(f"{name}: every replica diverged (non-finite weights by epoch {max(d['epoch'] for d in diverged[label])}); lower the learning rate")
        for d in diverged[label]:
            warnings.warn(f"{name}: replica {d['replica']} diverged at epoch {d['epoch']}; it is left out of every average and claim")
        # Averages, claims and plots see the finite replicas only; the npz keeps all, with the flags.
        runs[label] = without_diverged(raw[label], mask)
        summary[label] = summaries(variant, runs[label])
        kept[label] = KEPT[keep]
    references = load_references(fig, out)
    claims = analysis.evaluate_claims(fig.claims, runs, references)
    seconds = time.perf_counter() - start
    config = {**fig.to_json(), "replicas": replicas, "epochs": epochs}
    if (replicas, epochs) != (fig.replicas, fig.epochs):
        # The assumption texts give the figure's own sizes; a reduced run says what it ran.
        config["assumptions"] = {
            "size_of_this_run": f"{replicas} replicas × {epochs} epochs, not the figure's {fig.replicas} × {fig.epochs}: "
            "sizes in the texts below are the figure's defaults",
            **config["assumptions"],
        }
    single = list(runs) == [""]
    record = {
        "figure": fig.id,
        "title": fig.title,
        "command": command or f"python -m replication run {fig.id} --replicas {replicas} --epochs {epochs} --seed {seed} --out {out}",
        "engine": engine,
        "config_hash": digest,
        "seed": int(seed),
        "replicas": replicas,
        "epochs": epochs,
        "seconds": round(seconds, 1),
        "kept": kept[""] if single else kept,
        "diverged": diverged[""] if single else diverged,
        **({"mnist": {"source": mnist[2], "images_in_source": len(mnist[0]), "paper": "sampled from the 60,000 training images"}} if images is not None else {}),
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__},
        "config": config,
        "claims": claims,
        "diagnostics": analysis.diagnostics(runs[""], claims) if single else {
            label: analysis.diagnostics(data, [c for c in claims if c["parameters"].get("variant", "") == label])
            for label, data in runs.items()
        },
    }
    paths = output_paths(fig, out)
    os.makedirs(os.path.dirname(paths["npz"]), exist_ok=True)
    # Everything is written to temporary names first and renamed at the end: a failure leaves no
    # half-written result behind.
    tmp = {ext: os.path.join(os.path.dirname(p), f".{os.path.basename(p)}.partial") for ext, p in paths.items()}
    try:
        save_npz(tmp["npz"], flatten_variants({label: {**raw[label], **summary[label]} for label in runs}))
        plots.plot_figure(fig, runs, summary, claims, tmp["png"], references)
        with open(tmp["json"], "w") as fh:
            json.dump(_json_ready(record), fh, indent=2, allow_nan=False)
            fh.write("\n")
        # The json goes first and comes back last: a figure counts as done (for the report and for
        # resuming) only with its json, so an interruption between the renames leaves it "not done"
        # instead of pairing new arrays with an old record.
        if os.path.exists(paths["json"]):
            os.remove(paths["json"])
        for ext in ("npz", "png", "json"):
            os.replace(tmp[ext], paths[ext])
    finally:
        for p in tmp.values():
            if os.path.exists(p):
                os.remove(p)
    return paths


def _json_ready(value):
    """Plain json types, with NaN and infinities as null (strict json has no NaN)."""
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return _json_ready(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value
