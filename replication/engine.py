"""The ensemble engine: R replicas of one Keras model trained and measured in compiled TensorFlow loops.

The replicas' weights are stacked along a leading axis and Keras' `stateless_call` is mapped over them
with `tf.vectorized_map`, so R independent SGD runs cost about as much as one batched run. Per
replica it is model.fit's computation: the same forward pass (training=True, so dropout draws from the
replica's own seed state), the same compiled loss, and the same update w ← w − g·η. The probe
quantities are measured with `training_response.response.measure`, the function the ResponseProbe uses,
or, for convolutional networks that training_response.stacked can stack, with `measure_replicas` on all
replicas at once.

The compiled functions depend only on the architecture and the learning rate, so they are kept in a
`Program` per template model and learning rate, and traced and XLA-compiled once per process for every
run of that architecture (`run all` has many runs of few architectures).
"""

import math

import keras
import numpy as np
import tensorflow as tf

from training_response.kinds import SCALARS, SGD_KINDS
from training_response.features import feature_statistics, keras_feature_fn
from training_response.model_graph import measure_under_xla
from training_response.response import in_chunks, inference_call, keras_layers, keras_loss_fn, measure, measure_replicas, sgd_update
from training_response.stacked import stacked_output_fn, stacked_training_fn
from training_response.windows import tabulated_output_fn

from .processes import parallel_replicas

# Under XLA the replicas are measured in batches whose activations stay in a core's cache (docs/cost.md).
CACHE_BYTES = 2**19

# Stacked, the replicas are measured a chunk of probe points at a time, each chunk's widest activation
# over all replicas about this many bytes: the fastest size measured (docs/cost.md).
STACKED_CHUNK_BYTES = 2**22

# Training is XLA-compiled unless the model draws random numbers (see Program) or has one of these layers,
# whose XLA CPU kernels are slower than TensorFlow's (docs/cost.md).
_TRAINED_WITHOUT_XLA = (keras.layers.Conv2D, keras.layers.Conv3D)


def _values(model):
    """(trainable, non-trainable) values of a model's variables."""
    return [v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables]


def draws_random_numbers(model):
    """Whether the model has layers that draw random numbers (dropout): their seed states are among
    its non-trainable variables."""
    return any("seed_generator" in v.path for v in model.non_trainable_variables)


def _trains_under_xla(model):
    """XLA whenever it cannot change which random numbers are drawn (XLA and TensorFlow's own kernels draw
    different dropout masks from the same seed, and model.fit, the reference, uses XLA only when
    jit_compile is on: Keras' "auto" turns it off on CPU) and is faster (_TRAINED_WITHOUT_XLA)."""
    if model.jit_compile:
        return True
    return not draws_random_numbers(model) and not any(isinstance(layer, _TRAINED_WITHOUT_XLA) for layer in keras_layers(model))


def _output_spec(fn, *args):
    """The structure, shapes and dtypes of fn(*args), from a trace of fn that runs nothing."""
    specs = tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape, t.dtype), args)
    return tf.function(fn).get_concrete_function(*specs).structured_outputs


_PROGRAMS = {}


def program_for(template, learning_rate):
    """The Program of `template` at `learning_rate`, made once per process."""
    key = (id(template), learning_rate)
    if key not in _PROGRAMS:
        _PROGRAMS[key] = Program(template, learning_rate)
    return _PROGRAMS[key]


class Program:
    """The compiled training and measurement of one architecture (a template Keras model, whose own
    variables are never read or written) at one learning rate, for any stacked replicas' weights."""

    def __init__(self, template, learning_rate):
        self.template = template  # held, so that the key's id stays this model's
        self.learning_rate = learning_rate
        self._loss_fn = keras_loss_fn(template)
        under_xla = _trains_under_xla(template)
        self.train = tf.function(self._train_steps, jit_compile=under_xla)
        # Without XLA (dropout, Conv2D) the replicas train all at once as one stacked network where the
        # model allows it (see training_response.stacked), else side by side through tf.vectorized_map.
        self._stacked_training = None if under_xla else stacked_training_fn(template)
        # The probe's rule: TensorFlow's kernels for convolutions and max-pooling, XLA otherwise.
        self._measure_jit = measure_under_xla(template)
        # Without XLA (convolutions) the replicas are measured all at once as one stacked network where
        # the model allows it (see training_response.stacked), else one at a time.
        self._stacked = None if self._measure_jit else stacked_output_fn(template)
        self._widest = max(math.prod(layer.output.shape[1:]) for layer in keras_layers(template))
        self._measurements = {}
        self._loops = {}

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
        return sgd_update(self.learning_rate)(params, grads), list(new_state)

    def _replicas_step(self, params, state, x, y):
        """One SGD step of every replica on its batch x[r] (R, B, ...), y[r] (R, B): _replica_step for all at
        once, through the stacked network in training mode. The gradient of the sum of the replicas'
        losses holds each replica's own."""
        if self._stacked_training is None:
            return tf.vectorized_map(lambda a: self._replica_step(*a), (params, state, x, y))
        with tf.GradientTape() as tape:
            tape.watch(params)
            y_pred, state = self._stacked_training(params, state, tf.transpose(x, [1, 0, *range(2, x.shape.rank)]))
            losses = tf.vectorized_map(lambda a: self._loss_fn(tf.reshape(a[0], [-1, 1]), tf.reshape(a[1], [-1, 1])), (y, tf.transpose(y_pred)))
            loss = tf.reduce_sum(losses)
        grads = tape.gradient(loss, params, unconnected_gradients="zero")
        return sgd_update(self.learning_rate)(params, grads), state

    def _measure_replica(self, kinds, features, dead_share=0.0):
        def one(args):
            params, state, x_o, y_o, probe_x = args
            out = measure(self._output(state), self._loss_fn, params, x_o, y_o, probe_x, kinds, {"step": sgd_update(self.learning_rate)})
            # The papers' networks have one output: keep their measurements as one number per point.
            out = {k: tf.reshape(v, tf.shape(v)[:1]) if k != "f_o" else v[0] for k, v in out.items()}
            if features is not None:
                out.update(feature_statistics(features, params, probe_x, dead_share))
            return out

        return one

    # Compiled functions -----------------------------------------------------------------------------

    def _train_steps(self, params, state, inputs, targets, start, stop):
        """Steps start..stop−1 along axis 1 of inputs (R, S, B, ...) and targets (R, S, B), in one compiled
        while loop. The bounds are tensors, so the whole stream is traced (and XLA-compiled) once."""

        def body(step, params, state):
            x = inputs[:, step]
            y = targets[:, step]
            params, state = self._replicas_step(params, state, x, y)
            return step + 1, params, state

        _, params, state = tf.while_loop(lambda step, *_: step < stop, body, (start, params, state))
        return params, state

    def _replicas_at_once(self, replicas, points):
        """How many replicas are measured in one batch (see CACHE_BYTES), in equal batches so that the last
        is not mostly padding."""
        if not self._measure_jit:
            return 1
        most = max(1, CACHE_BYTES // (4 * points * self._widest))
        batches = -(-replicas // most)
        return -(-replicas // batches)

    def measurement(self, kinds, dead_share=0.0, alphabet=None):
        """The compiled measurement of `kinds` over stacked replicas: m(params, state, x_o (R, ...), y_o (R,),
        probe_x (R, P, ...)) -> dict of f_o (R,), the point kinds (R, P) and feature statistics (R,), a
        feature dead when nonzero on at most `dead_share` of the probe points (features.feature_statistics).
        `alphabet`: the values every entry of x_o and probe_x takes (windows.input_alphabet), if few: the
        convolutions of a stacked Conv1D network are then read from a table where that is less work
        (training_response.windows)."""
        key = (tuple(kinds), float(dead_share), alphabet)
        if key not in self._measurements:
            point_kinds = tuple(k for k in SGD_KINDS if k in kinds)
            features = keras_feature_fn(self.template) if "features" in kinds else None
            scalars = SCALARS["features"] if features is not None else ()

            def stacked(params, state, x_o, y_o, probe_x):
                replicas, points = probe_x.shape[:2]
                tabulated = tabulated_output_fn(self.template, alphabet, points)
                widest = tabulated.width if tabulated is not None else self._widest
                chunk = max(1, min(points, STACKED_CHUNK_BYTES // (4 * replicas * widest)))
                updates = {"step": sgd_update(self.learning_rate)}
                return measure_replicas(
                    self._stacked, self._loss_fn, params, x_o, y_o, probe_x, point_kinds, updates, chunk, parallel_replicas(), tabulated
                )

            def measured(params, state, x_o, y_o, probe_x):
                one = self._measure_replica(point_kinds, features, dead_share)
                replicas, points = probe_x.shape[:2]
                shapes = {"f_o": (), **{k: (points,) for k in point_kinds}, **{k: () for k in scalars}}
                batch = self._replicas_at_once(replicas, points)
                # XLA runs a loop's iterations one after the other whatever it is asked.
                parallel = 1 if self._measure_jit else parallel_replicas()
                chunks = (params, state, x_o, y_o, probe_x)
                return in_chunks(lambda chunk: tf.vectorized_map(one, chunk), chunks, batch, shapes, tf.float32, parallel)

            use_stacked = self._stacked is not None and features is None
            self._measurements[key] = tf.function(stacked) if use_stacked else tf.function(measured, jit_compile=self._measure_jit)
        return self._measurements[key]

    def pairs_measurement(self, kinds, dead_share=0.0):
        """The measurement of a step on each of a replica's N points at all N points, as one measurement of
        R·N weight copies: m(params, state, points (R, N, ...), point_y (R, N)) -> dict of
        f_o (R, N) and the point kinds (R, N_o, N)."""
        single = self.measurement(kinds, dead_share)

        def pairs(params, state, points, point_y):
            r, n = points.shape[:2]
            out = single(
                [tf.repeat(p, n, axis=0) for p in params],
                [tf.repeat(v, n, axis=0) for v in state],
                tf.reshape(points, (r * n,) + tuple(points.shape[2:])),
                tf.reshape(point_y, [-1]),
                tf.repeat(points, n, axis=0),
            )
            return {k: tf.reshape(v, (r, n) + tuple(v.shape[1:])) for k, v in out.items()}

        return pairs

    def loop(self, kinds, pairs, dead_share=0.0, alphabet=None, weights=False):
        """The compiled loop loop(params, state, inputs, targets, done, epochs (T,), probe) -> (params, state,
        dict of (T, R, ...)): train to each epoch in turn and measure there (`probe`: the measurement's
        arguments after params and state), without Python in between (a tf.function call costs as much
        as a measurement of many small replicas). `dead_share`, `alphabet`: see `measurement`; `weights`:
        also keep the trainable weights there, as weight_0, weight_1, ... in the template's order."""
        key = (tuple(kinds), pairs, float(dead_share), alphabet, weights)
        if key not in self._loops:
            measured = self.pairs_measurement(kinds, dead_share) if pairs else self.measurement(kinds, dead_share, alphabet)

            def measurement(params, state, *probe):
                kept = {f"weight_{i}": p for i, p in enumerate(params)} if weights else {}
                return {**measured(params, state, *probe), **kept}

            def run(params, state, inputs, targets, done, epochs, probe):
                count = tf.shape(epochs)[0]

                def body(i, done, params, state, arrays):
                    params, state = self.train(params, state, inputs, targets, done, epochs[i])
                    out = measurement(params, state, *probe)
                    return i + 1, epochs[i], params, state, {k: arrays[k].write(i, v) for k, v in out.items()}

                arrays = tf.nest.map_structure(
                    lambda t: tf.TensorArray(t.dtype, size=count, element_shape=t.shape),
                    _output_spec(measurement, params, state, *probe),
                )
                _, _, params, state, arrays = tf.while_loop(lambda i, *_: i < count, body, (0, done, params, state, arrays))
                return params, state, {k: v.stack() for k, v in arrays.items()}

            self._loops[key] = _LoopForAnyEpochs(tf.function(run))
        return self._loops[key]


class _LoopForAnyEpochs:
    """A compiled loop traced for its arguments' static shapes (the measurement batches replicas by them)
    but for any number of epochs, which changes from one call to the next."""

    def __init__(self, function):
        self.function = function

    def __call__(self, params, state, inputs, targets, done, epochs, probe):
        def spec(arg):
            return tf.nest.map_structure(lambda t: tf.TensorSpec(t.shape, t.dtype), arg)

        any_count = tf.TensorSpec([None], tf.int32)
        traced = self.function.get_concrete_function(spec(params), spec(state), spec(inputs), spec(targets), spec(done), any_count, spec(probe))
        return traced(params, state, inputs, targets, done, epochs, probe)


class Ensemble:
    """R replicas of one architecture, each with its own weights and random state.

    Args:
        template: a compiled Keras model of the replicas' architecture, the stateless template for all.
        weights: per replica, (trainable values, non-trainable values) in the template's variable order.
        learning_rate: η of the SGD updates.
    """

    def __init__(self, template, weights, learning_rate):
        if not weights:
            raise ValueError("an ensemble needs at least one replica")
        shapes = [tuple(v.shape) for v in template.trainable_variables + template.non_trainable_variables]
        for trainable, non_trainable in weights:
            if [tuple(v.shape) for v in list(trainable) + list(non_trainable)] != shapes:
                raise ValueError("every replica must have the template's architecture (same weight shapes)")
        self.template = template
        self.replicas = len(weights)
        self.learning_rate = float(learning_rate)
        self.program = program_for(template, self.learning_rate)
        self.params = [tf.stack(column) for column in zip(*[trainable for trainable, _ in weights])]
        self.state = [tf.stack(column) for column in zip(*[non_trainable for _, non_trainable in weights])]

    @classmethod
    def of_models(cls, models, learning_rate):
        """The ensemble of R built models of one architecture, from their current weights; the first is
        the template."""
        if not models:
            raise ValueError("an ensemble needs at least one model")
        return cls(models[0], [_values(model) for model in models], learning_rate)

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
        self.params, self.state = self.program.train(self.params, self.state, inputs, targets, *bounds)

    def run_points(self, inputs, targets, done, epochs, x_o, y_o, probe_x, kinds=SGD_KINDS, dead_share=0.0, alphabet=None, weights=False):
        """Trains from epoch `done` to each of `epochs` in turn (steps along axis 1 of the stream inputs
        (R, S, B, ...), targets (R, S, B)) and measures after each, in one compiled loop, a step on each
        replica's own training point x_o (R, ...) with target y_o (R,) at its probe points probe_x
        (R, P, ...). Returns (T, R, ...) arrays for the T epochs: f_o (R,), the point kinds (R, P) and,
        with "features" among the kinds, feature_mean and dead_fraction (R,), a feature dead when nonzero on
        at most `dead_share` of the probe points (0: on none). `alphabet`: windows.input_alphabet(x_o,
        probe_x), computed once by the caller for all segments of a run (see `Program.measurement`). With
        `weights`, also every replica's trainable weights at those epochs: weight_0, ... (R, ...)."""
        return self._run(inputs, targets, done, epochs, kinds, False, (x_o, y_o, probe_x), dead_share, alphabet, weights)

    def run_pairs(self, inputs, targets, done, epochs, points, point_y, kinds=SGD_KINDS):
        """As run_points, measuring a step on each of a replica's N points (R, N, ...) with targets
        point_y (R, N) at all N points: f_o (R, N) and the point kinds (R, N_o, N), [r, j, i] the response
        at point i to a step on point j."""
        return self._run(inputs, targets, done, epochs, kinds, True, (points, point_y))

    def _run(self, inputs, targets, done, epochs, kinds, pairs, probe, dead_share=0.0, alphabet=None, weights=False):
        self.params, self.state, out = self.program.loop(kinds, pairs, dead_share, alphabet, weights)(
            self.params,
            self.state,
            tf.convert_to_tensor(inputs, tf.float32),
            tf.convert_to_tensor(targets, tf.float32),
            tf.constant(int(done)),
            tf.constant(np.asarray(epochs, np.int32)),
            tuple(tf.convert_to_tensor(a, tf.float32) for a in probe),
        )
        return {k: v.numpy() for k, v in out.items()}

    def weights(self, replica):
        """The trainable weights of one replica as numpy arrays, in model.get_weights() order for the
        trainable part."""
        return [p[replica].numpy() for p in self.params]
