"""The fast training path: all replicas in one compiled Ensemble (see engine.py), measured with the
same functions as the ResponseProbe at the same epochs."""

import numpy as np
import tensorflow as tf

from .engine import Ensemble
from .keeping import kept
from .problem import DATASET_KINDS, build_model, replica_probe, replicas_distance, step_inputs


def _train_and_record(ensemble, inputs, targets, schedule, record, records, bar, checkpoint):
    """record(0), then train to each scheduled epoch and record(epoch) into `records`, advancing the
    progress bar; with a checkpoint, start from it when it holds this run and save to it as it goes."""
    saved = checkpoint.load() if checkpoint is not None else None
    if saved is None:
        start = 0
        record(0)
    else:
        start, params, state, kept_records = saved
        ensemble.params = [tf.constant(p) for p in params]
        ensemble.state = [tf.constant(s) for s in state]
        records.update(kept_records)
    done = schedule[start - 1] if start else 0
    inputs, targets = tf.constant(inputs, tf.float32), tf.constant(targets, tf.float32)
    for step, epoch in enumerate(schedule[start:], start + 1):
        ensemble.train(inputs, targets, done, epoch)
        done = epoch
        record(epoch)
        if bar is not None:
            bar(done * ensemble.replicas)
        if checkpoint is not None:
            checkpoint.maybe_save(step, ensemble.params, ensemble.state, records)


def _replica_axis_first(records):
    """Measurements recorded (T, R, ...) as float32 (R, T, ...), the fit path's layout."""
    return {key: np.swapaxes(np.asarray(values, np.float32), 0, 1) for key, values in records.items()}


class EnsembleTrainer:
    """The `ensemble` engine (default): every replica of a variant in one compiled loop."""

    name = "ensemble"

    def train_points(self, fig, setups, epochs, schedule, keep, bar, checkpoint=None):
        models = [build_model(fig, s["model_seed"]) for s in setups]
        shape = tuple(models[0].inputs[0].shape[1:])
        x_o = np.stack([s["x_o"].reshape(shape) for s in setups])
        y_o = np.asarray([s["y_o"] for s in setups], np.float32)
        points = [replica_probe(fig, s, x) for x, s in zip(x_o, setups)]
        probe_x = np.stack([p for p, _ in points])
        distance = replicas_distance(fig, [d for _, d in points])
        targets = np.stack([s["targets"] for s in setups])[:, :, None]
        inputs = np.stack([step_inputs(s, x, epochs) for s, x in zip(setups, x_o)])[:, :, None]
        ensemble = Ensemble(models)
        kinds = fig.probe["kinds"]
        records = {"epoch": [], "learning_rate": [], "f_o": []}
        kept_distance = distance

        def record(epoch):
            nonlocal kept_distance
            out = ensemble.measure(x_o, y_o, probe_x, kinds)
            kept_values, kept_distance = kept(out, kinds, distance, keep)
            records["epoch"].append(epoch)
            records["learning_rate"].append(ensemble.learning_rate)
            records["f_o"].append(out["f_o"])
            for key, value in kept_values.items():
                records.setdefault(key, []).append(value)

        _train_and_record(ensemble, inputs, targets, schedule, record, records, bar, checkpoint)
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
        models = [build_model(fig, s["model_seed"]) for s in setups]
        shape = tuple(models[0].inputs[0].shape[1:])
        points = np.stack([s["points"] for s in setups])
        points = points.reshape(points.shape[:2] + shape)
        point_y = np.stack([s["point_y"] for s in setups])
        inputs = np.stack([s["inputs"] for s in setups])
        inputs = inputs.reshape(inputs.shape[:3] + shape)
        targets = np.stack([s["targets"] for s in setups])
        ensemble = Ensemble(models)
        records = {"epoch": [], "learning_rate": [], **{kind: [] for kind in DATASET_KINDS}}

        def record(epoch):
            out = ensemble.measure_pairs(points, point_y, DATASET_KINDS)
            records["epoch"].append(epoch)
            records["learning_rate"].append(ensemble.learning_rate)
            records["output"].append(out["output"][:, 0])  # the same f at every point whichever point steps
            for kind in ("step", "ntk"):
                records[kind].append(out[kind])

        _train_and_record(ensemble, inputs, targets, schedule, record, records, bar, checkpoint)
        epoch, rate = np.asarray(records.pop("epoch"), np.int64), np.asarray(records.pop("learning_rate"), np.float32)
        return {"epoch": epoch, "learning_rate": rate, **_replica_axis_first(records)}
