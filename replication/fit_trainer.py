"""The reference training path: one model.fit per replica with a ResponseProbe, exactly as a user
would probe their own training. Slow (Python per replica and per epoch), but it is the definition the
ensemble engine is tested against."""

import keras
import numpy as np
import tensorflow as tf

from training_response import ResponseProbe
from training_response.kinds import POINT_KINDS, SGD_KINDS
from .keeping import kept
from .problem import build_model, replicas_distance, step_inputs
from .progress import ProgressCallback


def fit_stream(model, inputs, targets, callbacks):
    """model.fit over a stream of steps, inputs (S, B, ...) and targets (S, B): one epoch per step.

    One dataset is iterated across epochs (steps_per_epoch=1), so each epoch is one SGD step on the
    stream's next batch, and Keras does not rebuild an iterator per epoch."""
    dataset = tf.data.Dataset.from_tensor_slices((inputs, np.asarray(targets, np.float32)[..., None]))
    model.fit(dataset, epochs=len(targets), steps_per_epoch=1, verbose=0, shuffle=False, callbacks=callbacks)


class WeightsAtProbeEpochs(keras.callbacks.Callback):
    """The model's trainable weights where a ResponseProbe with `schedule` measures: at the start of the fit
    and after each scheduled epoch; `history` holds them as weight_0, weight_1, ... (T, ...)."""

    def __init__(self, schedule):
        super().__init__()
        self.schedule = set(schedule)
        self.history = {}

    def on_train_begin(self, logs=None):
        self.history = {}
        self._keep()

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 in self.schedule:
            self._keep()

    def _keep(self):
        for i, variable in enumerate(self.model.trainable_variables):
            self.history.setdefault(f"weight_{i}", []).append(variable.numpy())


def train_replica_fit(fig, setup, epochs, schedule, callbacks=()):
    """One replica: one model.fit of `epochs` single-step epochs with a ResponseProbe; its history."""
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
        dead_share=fig.probe.get("dead_share", 0.0),
    )
    weights = [WeightsAtProbeEpochs(schedule)] if fig.probe.get("weights") else []
    inputs = step_inputs(setup, x_o, epochs)[:, None]
    fit_stream(model, inputs, setup["targets"][:, None], [probe, *weights, *callbacks])
    # The engine keeps x_o's own values among the shells (distance 0), not apart from them; and the figures'
    # networks have one output, whose Θ is the same number in every ntk_mode.
    left_out = {f"{kind}_o" for kind in POINT_KINDS} | {"ntk_mode"}
    kept_weights = {key: np.asarray(values) for key, values in weights[0].history.items()} if weights else {}
    return {**{key: value for key, value in probe.history.items() if key not in left_out}, **kept_weights}


def train_dataset_fit(fig, setup, epochs, schedule, callbacks=()):
    """One replica on a set of points: one model.fit with a ResponseProbe per training point, each
    probing all the points. Returns the probes' histories stacked: step/ntk (T, N_o, N), output (T, N)."""
    model = build_model(fig, setup["model_seed"])
    shape = tuple(model.inputs[0].shape[1:])
    points = setup["points"].reshape((-1,) + shape)
    probes = [ResponseProbe(x, y, probe_x=points, epochs=schedule, kinds=SGD_KINDS) for x, y in zip(points, setup["point_y"])]
    fit_stream(model, setup["inputs"].reshape(setup["inputs"].shape[:2] + shape), setup["targets"], [*probes, *callbacks])
    histories = [p.history for p in probes]
    first = histories[0]
    return {
        "epoch": first["epoch"],
        "learning_rate": first["learning_rate"],
        "output": first["output"],
        **{kind: np.stack([h[kind] for h in histories], axis=1) for kind in ("step", "ntk")},
    }


class FitTrainer:
    """The `fit` engine: replicas one after another, each a model.fit with ResponseProbes. It keeps no
    checkpoints (it is the slow reference; an interrupted fit run starts over)."""

    name = "fit"

    def train_points(self, fig, setups, epochs, schedule, keep, bar, checkpoint=None):
        per_replica = []
        for r, setup in enumerate(setups):
            history = train_replica_fit(fig, setup, epochs, schedule, [ProgressCallback(bar, r * epochs, epochs)])
            kept_values, distance = kept(history, fig.probe["kinds"], history["distance"], keep)
            per_replica.append({**history, **kept_values, "distance": distance})
        first = per_replica[0]
        shared = ("epoch", "learning_rate", "distance")
        stacked = {key: np.stack([h[key] for h in per_replica]) for key in first if key not in shared}
        distance = replicas_distance(fig, [h["distance"] for h in per_replica])
        return {"epoch": first["epoch"], "learning_rate": first["learning_rate"], "distance": distance, **stacked}

    def train_dataset(self, fig, setups, epochs, schedule, bar, checkpoint=None):
        histories = [
            train_dataset_fit(fig, s, epochs, schedule, [ProgressCallback(bar, r * epochs, epochs)]) for r, s in enumerate(setups)
        ]
        first = histories[0]
        return {
            "epoch": first["epoch"],
            "learning_rate": first["learning_rate"],
            **{key: np.stack([h[key] for h in histories]) for key in SGD_KINDS},
        }
