"""The ensemble engine: R replicas of one Keras model trained in compiled TensorFlow loops.

The replicas' weights are stacked along a leading axis and Keras' `stateless_call` is mapped over them
with `tf.vectorized_map`, so R independent SGD runs cost about as much as one batched run. Per
replica it is model.fit's computation: the same forward pass (training=True, so dropout draws from the
replica's own seed state), the same compiled loss, and the same update w ← w − g·η. The probe
quantities are measured with `training_response.response.measure`, the function the ResponseProbe uses.
"""

import math

import keras
import numpy as np
import tensorflow as tf

from training_response.features import feature_statistics, keras_feature_fn
from training_response.callbacks.response_probe import SCALARS
from training_response.response import in_chunks, inference_call, keras_layers, keras_loss_fn, measure, measure_under_xla, sgd_update

# The ensemble trains with plain SGD, so its optimizer's step is "step".
KINDS = ("step", "ntk", "output")

# The replicas are measured a batch at a time, each batch's activations about this many bytes: small
# enough to stay in a core's cache (1 MB here), which the whole ensemble's do not (13 MB for 100 replicas
# of the 2024 network at 256 points). Measured on the 2024 network: 2.4 ms per 100 replicas in batches of
# 4-10, 4.4 ms all at once.
CACHE_BYTES = 2**19


def _values(model):
    """(trainable, non-trainable) values of a model's variables."""
    return [v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables]


def draws_random_numbers(model):
    """Whether the model has layers that draw random numbers (dropout): their seed states are among
    its non-trainable variables."""
    return any("seed_generator" in v.path for v in model.non_trainable_variables)


def _output_spec(fn, *args):
    """The structure, shapes and dtypes of fn(*args), from a trace of fn that runs nothing."""
    specs = tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape, t.dtype), args)
    return tf.function(fn).get_concrete_function(*specs).structured_outputs


class Ensemble:
    """R replicas of one architecture, each with its own weights and random state.

    Args:
        template: a compiled Keras model of the replicas' architecture, the stateless template for all.
        weights: per replica, (trainable values, non-trainable values) in the template's variable order.
        learning_rate: η of the SGD updates; None takes the template's optimizer's.
    """

    def __init__(self, template, weights, learning_rate=None):
        if not weights:
            raise ValueError("an ensemble needs at least one replica")
        shapes = [tuple(v.shape) for v in template.trainable_variables + template.non_trainable_variables]
        for trainable, non_trainable in weights:
            if [tuple(v.shape) for v in list(trainable) + list(non_trainable)] != shapes:
                raise ValueError("every replica must have the template's architecture (same weight shapes)")
        self.template = template
        self.replicas = len(weights)
        self.learning_rate = float(template.optimizer.learning_rate if learning_rate is None else learning_rate)
        self.params = [tf.stack(column) for column in zip(*[trainable for trainable, _ in weights])]
        self.state = [tf.stack(column) for column in zip(*[non_trainable for _, non_trainable in weights])]
        self._loss_fn = keras_loss_fn(template)
        # XLA whenever it cannot change which random numbers are drawn: XLA and TensorFlow's own kernels
        # draw different dropout masks from the same seed, and model.fit (the reference) uses XLA only
        # when jit_compile is on (Keras' "auto" turns it off on CPU). Without random layers XLA changes
        # only float rounding, and it trains convolutional replicas ~7x faster here.
        self._train_compiled = tf.function(
            self._train_steps, jit_compile=bool(template.jit_compile) or not draws_random_numbers(template), reduce_retracing=True
        )
        # The probe's rule: TensorFlow's kernels for convolutions and max-pooling, XLA otherwise.
        self._measure_jit = measure_under_xla(template)
        self._widest = max(math.prod(layer.output.shape[1:]) for layer in keras_layers(template))
        self._measure_compiled = {}
        self._run_loops = {}

    @classmethod
    def of_models(cls, models, learning_rate=None):
        """The ensemble of R built models of one architecture, from their current weights; the first is
        the template."""
        if not models:
            raise ValueError("an ensemble needs at least one model")
        return cls(models[0], [_values(model) for model in models], learning_rate)

    # Per replica ------------------------------------------------------------------------------------

    def _output(self, state):
        template = self.template

        def f(params, x):
            return tf.reshape(inference_call(template, params, state, x), [tf.shape(x)[0], -1])

        return f

    def _replica_step(self, params, state, x, y):
        """One SGD step of one replica on the batch (x, y), as Keras' train_step computes it."""
        with tf.GradientTape() as tape:
            tape.watch(params)
            y_pred, new_state = self.template.stateless_call(params, state, x, training=True)
            loss = self._loss_fn(tf.reshape(y, tf.shape(y_pred)), y_pred)
        grads = tape.gradient(loss, params, unconnected_gradients="zero")
        lr = tf.constant(self.learning_rate, params[0].dtype)
        return [w - g * lr for w, g in zip(params, grads)], list(new_state)

    # Compiled loops ---------------------------------------------------------------------------------

    def _train_steps(self, params, state, inputs, targets, start, stop):
        """Steps start..stop−1 along axis 1 of inputs (R, S, B, ...) and targets (R, S, B), in one compiled
        while loop. The bounds are tensors, so the whole stream is traced (and XLA-compiled) once."""

        def body(step, params, state):
            x = inputs[:, step]
            y = targets[:, step]
            params, state = tf.vectorized_map(lambda a: self._replica_step(*a), (params, state, x, y))
            return step + 1, params, state

        _, params, state = tf.while_loop(lambda step, *_: step < stop, body, (start, params, state))
        return params, state

    def train(self, inputs, targets, start=0, stop=None):
        """Advances every replica by the SGD steps start..stop−1 (default: all) of the stream inputs
        (R, S, B, ...), targets (R, S, B). Pass the same whole stream with successive bounds to train in
        segments without recompiling."""
        inputs = tf.convert_to_tensor(inputs, tf.float32)
        targets = tf.convert_to_tensor(targets, tf.float32)
        stop = int(inputs.shape[1]) if stop is None else int(stop)
        if stop <= start:
            return
        bounds = tf.constant(int(start)), tf.constant(stop)
        self.params, self.state = self._train_compiled(self.params, self.state, inputs, targets, *bounds)

    def _measure_replica(self, kinds, features, lr):
        def one(args):
            params, state, x_o, y_o, probe_x = args
            out = measure(self._output(state), self._loss_fn, params, x_o, y_o, probe_x, kinds, {"step": sgd_update(lr)})
            # The papers' networks have one output: keep their measurements as one number per point.
            out = {k: tf.reshape(v, tf.shape(v)[:1]) if k != "f_o" else v[0] for k, v in out.items()}
            if features is not None:
                out.update(feature_statistics(features, params, probe_x))
            return out

        return one

    def _measurement(self, kinds):
        """The compiled measurement of `kinds`, mapped over the leading axis of stacked params and state:
        m(params, state, x_o, y_o, probe_x, lr) -> dict of (R, ...) tensors."""
        key = tuple(kinds)
        if key not in self._measure_compiled:
            point_kinds = tuple(k for k in KINDS if k in kinds)
            features = keras_feature_fn(self.template) if "features" in kinds else None

            def measured(params, state, x_o, y_o, probe_x, lr):
                one = self._measure_replica(point_kinds, features, lr)
                points = probe_x.shape[1]
                shapes = {"f_o": (), **{k: (points,) for k in point_kinds}, **{k: () for k in (SCALARS["features"] if features else ())}}
                return in_chunks(
                    lambda chunk: tf.vectorized_map(one, chunk),
                    (params, state, x_o, y_o, probe_x),
                    self._replicas_at_once(points),
                    shapes,
                    tf.float32,
                )

            self._measure_compiled[key] = tf.function(measured, jit_compile=self._measure_jit)
        return self._measure_compiled[key]

    def _replicas_at_once(self, points):
        """How many replicas are measured in one vectorized batch: as many as keep the widest layer's
        activations at `points` points within CACHE_BYTES."""
        return max(1, CACHE_BYTES // (4 * points * self._widest))

    def _pairs_measurement(self, kinds):
        """The measurement of a step on each of a replica's N points at all N points, as one measurement of
        R·N weight copies: m(params, state, points (R, N, ...), point_y (R, N), unused, lr) -> dict of
        f_o (R, N) and the point kinds (R, N_o, N)."""
        single = self._measurement(kinds)

        def pairs(params, state, points, point_y, _, lr):
            r, n = tf.shape(points)[0], tf.shape(points)[1]
            flat = tf.reshape(points, tf.concat([[r * n], tf.shape(points)[2:]], 0))
            out = single(
                [tf.repeat(p, n, axis=0) for p in params],
                [tf.repeat(v, n, axis=0) for v in state],
                flat,
                tf.reshape(point_y, [-1]),
                tf.repeat(points, n, axis=0),
                lr,
            )
            return {k: tf.reshape(v, tf.concat([[r, n], tf.shape(v)[1:]], 0)) for k, v in out.items()}

        return pairs

    def _run_compiled(self, kinds, pairs):
        """The compiled loop: train to each epoch of a segment and measure there, without Python in
        between (a tf.function call costs about as much as a measurement of 100 small replicas)."""
        key = (tuple(kinds), pairs)
        if key not in self._run_loops:
            measurement = (self._pairs_measurement if pairs else self._measurement)(kinds)

            def run(params, state, inputs, targets, done, epochs, x_o, y_o, probe_x, lr):
                count = tf.shape(epochs)[0]

                def body(i, done, params, state, arrays):
                    params, state = self._train_compiled(params, state, inputs, targets, done, epochs[i])
                    out = measurement(params, state, x_o, y_o, probe_x, lr)
                    return i + 1, epochs[i], params, state, {k: arrays[k].write(i, v) for k, v in out.items()}

                spec = tf.nest.map_structure(
                    lambda t: tf.TensorArray(t.dtype, size=count, element_shape=t.shape),
                    _output_spec(measurement, params, state, x_o, y_o, probe_x, lr),
                )
                _, _, params, state, arrays = tf.while_loop(lambda i, *_: i < count, body, (0, done, params, state, spec))
                return params, state, {k: v.stack() for k, v in arrays.items()}

            self._run_loops[key] = tf.function(run, reduce_retracing=True)
        return self._run_loops[key]

    def run(self, inputs, targets, done, epochs, x_o, y_o, probe_x, kinds=KINDS, pairs=False, learning_rate=None):
        """Trains from epoch `done` to each of `epochs` in turn (steps along axis 1 of the stream inputs
        (R, S, B, ...), targets (R, S, B)) and measures the probe quantities after each, in one compiled
        loop. Returns a dict of (T, R, ...) arrays for the T epochs: as `measure`, or `measure_pairs` when
        `pairs` (then x_o and y_o are the replicas' points (R, N, ...) and their targets (R, N))."""
        lr = tf.constant(self.learning_rate if learning_rate is None else learning_rate, tf.float32)
        self.params, self.state, out = self._run_compiled(kinds, pairs)(
            self.params,
            self.state,
            tf.convert_to_tensor(inputs, tf.float32),
            tf.convert_to_tensor(targets, tf.float32),
            tf.constant(int(done)),
            tf.constant(np.asarray(epochs, np.int32)),
            tf.convert_to_tensor(x_o, tf.float32),
            tf.convert_to_tensor(y_o, tf.float32),
            tf.convert_to_tensor(probe_x if probe_x is not None else 0.0, tf.float32),
            lr,
        )
        return {k: v.numpy() for k, v in out.items()}

    def measure(self, x_o, y_o, probe_x, kinds=KINDS, learning_rate=None):
        """The probe quantities for every replica: dict of f_o (R,), the point kinds (R, P) and, with
        "features" among the kinds, feature_mean and dead_fraction (R,).

        x_o (R, ...), y_o (R,), probe_x (R, P, ...): each replica's own training point and probe points.
        """
        return self._measure(self._measurement(kinds), x_o, y_o, probe_x, learning_rate)

    def measure_pairs(self, points, point_y, kinds=KINDS, learning_rate=None):
        """The probe quantities of a step on each of a replica's N points, at all N points: dict of f_o
        (R, N) and the point kinds (R, N_o, N) with [r, j, i] the response at point i to a step on point
        j. points (R, N, ...), point_y (R, N). One measurement of R·N weight copies, not N calls."""
        return self._measure(self._pairs_measurement(kinds), points, point_y, 0.0, learning_rate)

    def _measure(self, measurement, x_o, y_o, probe_x, learning_rate):
        lr = tf.constant(self.learning_rate if learning_rate is None else learning_rate, tf.float32)
        args = [tf.convert_to_tensor(a, tf.float32) for a in (x_o, y_o, probe_x)]
        return {k: v.numpy() for k, v in measurement(self.params, self.state, *args, lr).items()}

    def weights(self, replica):
        """The trainable weights of one replica as numpy arrays, in model.get_weights() order for the
        trainable part."""
        return [p[replica].numpy() for p in self.params]
