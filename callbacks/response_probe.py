"""ResponseProbe: a Keras callback that records the training response Δ(x_o, x) and Θ(x_o, x)."""

import os

import keras
import numpy as np
import tensorflow as tf

from .features import feature_statistics, keras_feature_fn
from .response import KINDS, keras_loss_fn, keras_output_fn, measure
from .data import bits

DEFAULT_KINDS = ("step", "ntk")
# Per probe point: KINDS; per measurement: "features" (⟨F_i⟩ and the dead fraction over the probe points).
PROBE_KINDS = KINDS + ("features",)
SCALARS = {"features": ("feature_mean", "dead_fraction")}

LOG_POINTS_PER_DECADE = 20


def log_epochs(total, per_decade=LOG_POINTS_PER_DECADE):
    """Log-spaced epoch numbers in 1..total, always including 1 and total."""
    total = int(total)
    if total < 1:
        return []
    num = int(np.ceil(per_decade * np.log10(total))) + 1 if total > 1 else 1
    return sorted({int(e) for e in np.rint(np.geomspace(1, total, num=num))} | {total})


def probe_distance(x_o, probe_x):
    """Hamming distance when x_o and the probe points together use just two bit values, else mean |x − x_o|."""
    if bits.is_bit_string(np.concatenate([x_o.ravel(), probe_x.ravel()])):
        return bits.hamming_distance(probe_x, x_o)
    return np.mean(np.abs(probe_x - x_o[None]).reshape(len(probe_x), -1), axis=1)


class ResponseProbe(keras.callbacks.Callback):
    """Records the response of one SGD step on (x_o, y_o) at probe points while a model trains.

    At train begin (recorded as epoch 0) and at the end of every scheduled epoch, with the current
    weights w, it measures at every probe point x:

    - "step": [f(x; w') − f(x; w)] / (y_o − f(x_o; w)), where w' = w − η ∇_w L(y_o, f(x_o; w)) is one
      SGD step with the model's compiled loss, taken on a copy of the weights;
    - "ntk": Θ(x_o, x) = ∇_w f(x_o; w) · ∇_w f(x; w) over the trainable weights;
    - "output": f(x; w) itself;
    - "features": ⟨F_i⟩, the mean over features and probe points of the input of the model's last
      layer, and the fraction of those features that are 0 at every probe point (history keys
      "feature_mean" and "dead_fraction", one value per measurement).

    Their values at x = x_o are added to the epoch logs as `response_o` and `ntk_o` (NaN at epochs
    that are not scheduled), so History, CSVLogger and TensorBoard record them: put the probe before
    those callbacks in the list. Training itself is not changed by a single bit.

    Args:
        x_o: one input, shaped like the model's input without the batch axis.
        y_o: its scalar target.
        probe_x: (P, ...) probe inputs; or None to use `shells`.
        shells: Hamming shells around a bit-string x_o: True for every distance 0..n, or a list of
            distances.
        samples_per_shell: take a shell whole when it has at most this many members (or when None),
            else sample this many uniformly without replacement with `seed`.
        epochs: None (every epoch), a list of epoch numbers (1 = after the first epoch), or "log".
        kinds: what to record, a subset of ("step", "ntk", "output", "features").
        learning_rate: η of the probe's step; None takes the optimizer's current learning rate.
        seed: seed of the shell sampling.
        snapshot_dir: if given, the weights are also saved there at every measured epoch
            (`epoch_000000.weights.h5`, ...).

    Example:

    ```python
    probe = ResponseProbe(x_o, y_o, shells=True, epochs="log")
    model.fit(x_o[None], np.array([[y_o]]), epochs=1000, batch_size=1, callbacks=[probe])
    probe.history["step"]  # (T, P)
    probe.save("probe.npz")
    ```
    """

    def __init__(
        self,
        x_o,
        y_o,
        probe_x=None,
        *,
        shells=None,
        samples_per_shell=None,
        epochs=None,
        kinds=DEFAULT_KINDS,
        learning_rate=None,
        seed=0,
        snapshot_dir=None,
    ):
        super().__init__()
        self.x_o = np.asarray(x_o, dtype=np.float32)
        self.y_o = float(np.asarray(y_o, dtype=np.float64).reshape(-1)[0]) if np.size(y_o) == 1 else None
        if self.y_o is None or not np.isfinite(self.y_o):
            raise ValueError(f"y_o={y_o!r} must be one finite number, the target of x_o")
        self.kinds = _check_kinds(kinds)
        self.point_kinds = tuple(k for k in self.kinds if k in KINDS)
        self.scalar_keys = tuple(key for k in self.kinds for key in SCALARS.get(k, ()))
        self.epochs = _check_epochs(epochs)
        if learning_rate is not None and not (np.isfinite(learning_rate) and learning_rate > 0):
            raise ValueError(f"learning_rate={learning_rate!r} must be a positive number (or None for the optimizer's)")
        self.learning_rate = learning_rate
        self.snapshot_dir = snapshot_dir
        self.probe_x, self.distance = probe_points(self.x_o, probe_x, shells, samples_per_shell, seed)
        self._records = None
        # The compiled measurement is kept across fits of the same model and optimizer (tracing and
        # XLA compilation cost far more than a fit of a few hundred epochs).
        self._measure_key = None

    # Keras hooks ---------------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        key = (id(self.model), id(getattr(self.model, "optimizer", None)))
        if key != self._measure_key:
            _check_model(self.model, self.x_o)
            self._measure = self._compile_measurement()
            self._measure_key = key
        self._schedule = self._resolve_schedule()
        self._records = {key: [] for key in self._keys()}
        self._record(0)

    def on_epoch_end(self, epoch, logs=None):
        number = epoch + 1
        values = self._record(number) if number in self._schedule else None
        if logs is not None:
            for kind, key in (("step", "response_o"), ("ntk", "ntk_o")):
                if kind in self.kinds:
                    logs[key] = float("nan") if values is None else values[kind]

    # Helpers ---------------------------------------------------------------------------------------

    def _resolve_schedule(self):
        total = int(self.params.get("epochs") or 0) if self.params else 0
        if self.epochs is None:
            return set(range(1, total + 1))
        if self.epochs == "log":
            return set(log_epochs(total))
        return set(self.epochs)

    def _keys(self):
        return ("epoch", "f_o", "learning_rate", *self.scalar_keys, *self.point_kinds)

    def _compile_measurement(self):
        """One XLA-compiled function of no arguments, traced once per model, returning
        [f_o, η, scalars..., point kinds...] as one vector. It reads the weights and the learning rate
        itself, which (with the single device-to-host copy) keeps the probe cheap enough to run every
        epoch."""
        f = keras_output_fn(self.model)
        loss_fn = keras_loss_fn(self.model) if "step" in self.kinds else None
        features = keras_feature_fn(self.model) if "features" in self.kinds else None
        kinds = self.point_kinds
        variables = list(self.model.trainable_variables)
        if self.learning_rate is None and getattr(self.model, "optimizer", None) is None:
            raise ValueError("the model has no optimizer; compile it or pass learning_rate=")
        fixed_rate = self.learning_rate
        optimizer = self.model.optimizer
        probe_x = tf.constant(self.probe_x, dtype=tf.float32)
        # x_o is appended as the last probe point, so its own response is always measured.
        points = tf.constant(np.concatenate([self.probe_x, self.x_o[None]]), dtype=tf.float32)
        x_o = tf.constant(self.x_o)
        y_o = tf.constant(self.y_o, dtype=tf.float32)

        @tf.function(jit_compile=True)
        def run():
            rate = optimizer.learning_rate if fixed_rate is None else fixed_rate
            rate = tf.cast(tf.convert_to_tensor(rate), tf.float32)
            params = [v.value for v in variables]
            out = measure(f, loss_fn, params, x_o, y_o, points, rate, kinds)
            scalars = [out["f_o"], rate]
            if features is not None:
                stats = feature_statistics(features, params, probe_x)
                scalars += [stats[key] for key in SCALARS["features"]]
            return tf.concat([tf.stack(scalars)] + [out[k] for k in kinds], axis=0)

        return run

    def _record(self, epoch):
        flat = self._measure().numpy()
        head = 2 + len(self.scalar_keys)
        records = self._records
        records["epoch"].append(epoch)
        records["f_o"].append(flat[0])
        records["learning_rate"].append(flat[1])
        for i, key in enumerate(self.scalar_keys):
            records[key].append(flat[2 + i])
        at_x_o = {}
        for kind, values in zip(self.point_kinds, np.split(flat[head:], max(1, len(self.point_kinds)))):
            records[kind].append(values[:-1])
            at_x_o[kind] = float(values[-1])
        if self.snapshot_dir:
            os.makedirs(self.snapshot_dir, exist_ok=True)
            self.model.save_weights(os.path.join(self.snapshot_dir, f"epoch_{epoch:06d}.weights.h5"))
        return at_x_o

    # Results ---------------------------------------------------------------------------------------

    @property
    def history(self):
        """Dict of numpy arrays: epoch (T,), f_o (T,), learning_rate (T,), step/ntk/output (T, P),
        feature_mean/dead_fraction (T,), distance (P,), probe_x (P, ...), x_o, y_o."""
        records = self._records or {key: [] for key in self._keys()}
        out = {"epoch": np.asarray(records["epoch"], dtype=np.int64)}
        for key in ("f_o", "learning_rate", *self.scalar_keys):
            out[key] = np.asarray(records[key], dtype=np.float32)
        for kind in self.point_kinds:
            out[kind] = np.asarray(records[kind], dtype=np.float32).reshape(-1, len(self.probe_x))
        out.update(distance=self.distance, probe_x=self.probe_x, x_o=self.x_o, y_o=np.float32(self.y_o))
        return out

    def save(self, path):
        """Writes the history to `path` as .npz (no pickles); the file appears whole or not at all."""
        save_npz(path, self.history)

    @staticmethod
    def load(path):
        """Reads a history written by `save` back as a dict of numpy arrays. A missing, corrupt or foreign
        file (not an npz, or without the probe's epoch and distance) raises a ValueError naming it;
        pickled objects are never loaded."""
        try:
            with np.load(path, allow_pickle=False) as z:
                history = {key: z[key] for key in z.files}
        except Exception as error:  # OSError, BadZipFile, pickled content, truncation: all unreadable
            raise ValueError(f"cannot read {os.fspath(path)!r} as a ResponseProbe history ({type(error).__name__}: {error})") from None
        missing = [key for key in ("epoch", "distance") if key not in history]
        if missing:
            raise ValueError(f"{os.fspath(path)!r} is not a ResponseProbe history: it lacks {missing}; write one with probe.save()")
        return history


def save_npz(path, arrays):
    """np.savez_compressed through a temporary file and a rename, so a crash never leaves half a file."""
    path = os.fspath(path)
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _check_kinds(kinds):
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = [k for k in kinds if k not in PROBE_KINDS]
    if unknown or not kinds:
        raise ValueError(f"unknown kind(s) {unknown or list(kinds)}; choose from {list(PROBE_KINDS)}")
    return tuple(k for k in PROBE_KINDS if k in kinds)


def _check_epochs(epochs):
    if epochs is None or epochs == "log":
        return epochs
    if isinstance(epochs, str):
        raise ValueError(f"epochs={epochs!r} is not a schedule; use None (every epoch), 'log' or a list of epoch numbers")
    values = list(np.atleast_1d(epochs))
    if not values:
        raise ValueError("the epoch schedule is empty; give at least one epoch number, 'log' or None")
    if not all(float(e).is_integer() and e >= 1 for e in values):
        raise ValueError(f"epochs={list(values)} must be whole epoch numbers >= 1 (epoch 0 is always measured)")
    return sorted({int(e) for e in values})


def probe_points(x_o, probe_x, shells, samples_per_shell, seed):
    """(probe points (P, ...), distance (P,)) from explicit points or Hamming shells around x_o."""
    if (probe_x is None) == (shells is None or shells is False):
        raise ValueError("give exactly one of probe_x (explicit probe points) or shells (Hamming shells around x_o)")
    if probe_x is None:
        if not bits.is_bit_string(x_o):
            raise ValueError("shells need a bit-string x_o (all entries ±1 or all 0/1); pass probe_x for other inputs")
        return bits.shells(x_o, shells, samples_per_shell, seed=seed)
    probe_x = np.asarray(probe_x, dtype=np.float32)
    if probe_x.ndim < 1 or probe_x.shape[1:] != x_o.shape or len(probe_x) == 0:
        raise ValueError(f"probe_x has shape {probe_x.shape}; it must be (P, {', '.join(map(str, x_o.shape))}) with P >= 1, like x_o")
    return probe_x, probe_distance(x_o, probe_x)


def _check_model(model, x_o):
    inputs = getattr(model, "inputs", None)
    if inputs:
        if len(inputs) != 1:
            raise ValueError("the model has several inputs; the probe needs a model with one input")
        expected = tuple(inputs[0].shape[1:])
        if len(expected) != x_o.ndim or any(e is not None and e != s for e, s in zip(expected, x_o.shape)):
            raise ValueError(f"x_o has shape {x_o.shape} but the model takes inputs of shape {expected}; reshape x_o to match")
    try:
        out, _ = model.stateless_call(
            [v.value for v in model.trainable_variables],
            [v.value for v in model.non_trainable_variables],
            tf.constant(x_o[None]),
            training=False,
        )
    except Exception as error:  # a model that cannot take x_o at all is the caller's input problem
        raise ValueError(f"the model cannot be applied to x_o of shape {x_o.shape}: {error}") from error
    if isinstance(out, (list, tuple, dict)) or int(np.prod(out.shape)) != 1:
        shape = [tuple(o.shape) for o in out] if isinstance(out, (list, tuple)) else getattr(out, "shape", "?")
        raise ValueError(f"the model's output for one example has shape {shape}; the probe needs one scalar per example (e.g. Dense(1))")
