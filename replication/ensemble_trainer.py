"""The fast training path: all replicas in one compiled Ensemble (see engine.py), measured with the
same functions as the ResponseProbe at the same epochs."""

import json

import numpy as np
import tensorflow as tf

from training_response.windows import input_alphabet

from .engine import Ensemble
from .keeping import kept
from .models import initial_weights
from .problem import build_model, learning_rate, replica_probe, replicas_distance, step_inputs


# A run is trained and measured in about this many compiled loops, with the progress bar and the checkpoint
# between them.
SEGMENTS = 50


def segments(schedule, epochs, parts=SEGMENTS):
    """The measured epochs 0, *schedule in consecutive groups, each spanning at most ceil(epochs / parts)
    epochs or holding one epoch: where the compiled loop hands back to Python. A pure function of the
    schedule, so that a resumed run continues at the same boundaries."""
    span = max(1, -(-epochs // parts))
    groups, first = [[0]], 0
    for epoch in schedule:
        if epoch - first >= span:
            groups.append([])
            first = epoch
        groups[-1].append(epoch)
    return groups


def _train_and_record(ensemble, measure_segment, schedule, epochs, records, bar, checkpoint):
    """Trains through the schedule one segment at a time, measure_segment(done, epochs) giving each
    segment's records, and appends them to `records`, advancing the progress bar; with a checkpoint,
    start from it when it holds this run and save to it between segments."""
    saved = checkpoint.load() if checkpoint is not None else None
    start = 0
    if saved is not None:
        start, params, state, kept_records = saved
        ensemble.params = [tf.constant(p) for p in params]
        ensemble.state = [tf.constant(s) for s in state]
        records.update(kept_records)
    measured = start  # schedule steps done: the measured epochs after epoch 0
    done = schedule[start - 1] if start else 0
    for group in segments(schedule, epochs):
        if start and group[-1] <= done:
            continue
        for key, values in measure_segment(done, group).items():
            records.setdefault(key, []).extend(values)
        measured += len([e for e in group if e > 0])
        done = group[-1]
        bar(done * ensemble.replicas)
        if checkpoint is not None:
            checkpoint.maybe_save(measured, ensemble.params, ensemble.state, records)


_TEMPLATES = {}


def _template(fig):
    """One built model per architecture and process: the template of every ensemble of it, so that its
    compiled Program is reused (its own weights are never used)."""
    key = json.dumps(fig.model, sort_keys=True)
    if key not in _TEMPLATES:
        _TEMPLATES[key] = build_model(fig, 0)
    return _TEMPLATES[key]


def _ensemble(fig, setups):
    """The replicas of a variant: every replica's initial weights from its model seed (models.initial_weights,
    the weights build_model gives, without building a model each) on the architecture's template."""
    template = _template(fig)
    spec = dict(fig.model)
    builder = spec.pop("builder")
    return Ensemble(template, [initial_weights(template, builder, spec, s["model_seed"]) for s in setups], learning_rate(fig))


def point_replicas(fig, setups):
    """(ensemble, x_o (R, ...), y_o (R,), probe_x (R, P, ...), distance) of the replicas of a figure that
    trains each on one point."""
    ensemble = _ensemble(fig, setups)
    shape = tuple(ensemble.template.inputs[0].shape[1:])
    x_o = np.stack([s["x_o"].reshape(shape) for s in setups])
    y_o = np.asarray([s["y_o"] for s in setups], np.float32)
    points = [replica_probe(fig, s, x) for x, s in zip(x_o, setups)]
    probe_x = np.stack([p for p, _ in points])
    return ensemble, x_o, y_o, probe_x, replicas_distance(fig, [d for _, d in points])


def _replica_axis_first(records):
    """Measurements recorded (T, R, ...) as float32 (R, T, ...), the fit path's layout."""
    return {key: np.swapaxes(np.asarray(values, np.float32), 0, 1) for key, values in records.items()}


class EnsembleTrainer:
    """The `ensemble` engine (default): every replica of a variant in one compiled loop."""

    name = "ensemble"

    def train_points(self, fig, setups, epochs, schedule, keep, bar, checkpoint=None):
        ensemble, x_o, y_o, probe_x, distance = point_replicas(fig, setups)
        targets = np.stack([s["targets"] for s in setups])[:, :, None]
        inputs = tf.constant(np.stack([step_inputs(s, x, epochs) for s, x in zip(setups, x_o)])[:, :, None], tf.float32)
        targets = tf.constant(targets, tf.float32)
        kinds = fig.probe["kinds"]
        dead_share = fig.probe.get("dead_share", 0.0)
        weights = fig.probe.get("weights", False)
        alphabet = input_alphabet(x_o, probe_x)
        records = {}
        kept_distance = distance

        def measure_segment(done, epochs_):
            nonlocal kept_distance
            out = ensemble.run_points(inputs, targets, done, epochs_, x_o, y_o, probe_x, kinds, dead_share, alphabet, weights)
            kept_values, kept_distance = kept(out, kinds, distance, keep)
            held = {k: v for k, v in out.items() if k.startswith("weight_")}
            return {"epoch": epochs_, "learning_rate": [ensemble.learning_rate] * len(epochs_), "f_o": out["f_o"], **kept_values, **held}

        _train_and_record(ensemble, measure_segment, schedule, epochs, records, bar, checkpoint)
        return {
            "epoch": np.asarray(records.pop("epoch"), np.int64),
            "learning_rate": np.asarray(records.pop("learning_rate"), np.float32),
            "distance": kept_distance,
            **_replica_axis_first(records),
            "x_o": x_o,
            "y_o": y_o,
            "probe_x": probe_x,
        }

    def train_dataset(self, fig, setups, epochs, schedule, bar, checkpoint=None):
        ensemble = _ensemble(fig, setups)
        shape = tuple(ensemble.template.inputs[0].shape[1:])
        points = np.stack([s["points"] for s in setups])
        points = points.reshape(points.shape[:2] + shape)
        point_y = np.stack([s["point_y"] for s in setups])
        inputs = np.stack([s["inputs"] for s in setups])
        inputs = inputs.reshape(inputs.shape[:3] + shape)
        inputs, targets = tf.constant(inputs, tf.float32), tf.constant(np.stack([s["targets"] for s in setups]), tf.float32)
        records = {}

        def measure_segment(done, epochs_):
            out = ensemble.run_pairs(inputs, targets, done, epochs_, points, point_y)
            return {
                "epoch": epochs_,
                "learning_rate": [ensemble.learning_rate] * len(epochs_),
                "output": out["output"][:, :, 0],  # the same f at every point whichever point steps
                "step": out["step"],
                "ntk": out["ntk"],
            }

        _train_and_record(ensemble, measure_segment, schedule, epochs, records, bar, checkpoint)
        epoch, rate = np.asarray(records.pop("epoch"), np.int64), np.asarray(records.pop("learning_rate"), np.float32)
        return {"epoch": epoch, "learning_rate": rate, **_replica_axis_first(records)}
