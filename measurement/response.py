"""The training response of one training step, as pure functions of (function, parameters, inputs).

`f(params, x)` maps a list of trainable tensors and a batch of inputs to the network's outputs, (B, O)
with O ≥ 1. The callback (`ResponseProbe`) and any training loop that holds its weights as tensors
share these functions, so there is one implementation of every measured quantity:

- "ntk": Θ_ab(x_o, x) = ∇_w f_a(x_o; w) · ∇_w f_b(x; w) for every probe point x, (P, O, O), or the part
  of it an `NtkSpec` asks for (its diagonal, its trace, or the row of one class);
- "step": f(x; w') − f(x; w) with w' = w − η ∇_w L(y_o, f(x_o; w)), one plain SGD step; for one output
  (O = 1) it is normalized by the error, [f(x; w') − f(x; w)] / (y_o − f(x_o; w)), the papers'
  definition; for O > 1 the error is a vector and the change is kept raw, (P, O);
- any other update rule `update(params, grads) -> params'` named in `updates` (the probe passes the
  model's own optimizer as "optimizer_step"): the raw change f(x; w') − f(x; w), (P, O);
- "output": f(x; w) itself, (P, O).
"""

import inspect
from typing import NamedTuple, Optional

import keras
import tensorflow as tf

from .conv_gradient import conv_gradients_that_do_not_fault
from .kinds import POINT_KINDS

NTK_MODES = ("full", "diagonal", "class", "trace")


class NtkSpec(NamedTuple):
    """Which part of Θ(x_o, x) to compute, per probe point x, for a network with O outputs:
    "full" the O×O block Θ_ab; "diagonal" Θ_aa (O,); "class" Θ_cb (O,), the row of output c = `row` (y_o's
    class: how a step on x_o's own logit moves every output); "trace" Σ_a Θ_aa. `rows_per_chunk` output rows
    at x_o (tangents ∇f_a(x_o)) go through the measurement at a time, so memory follows the chunk and not O;
    None takes them all at once."""

    mode: str = "full"
    row: int = 0
    rows_per_chunk: Optional[int] = None

    def rows(self, outputs):
        """The outputs a whose tangents ∇f_a(x_o) the mode needs."""
        return [self.row] if self.mode == "class" else list(range(outputs))

    def shape(self, outputs):
        """The shape of one point's value."""
        return {"full": (outputs, outputs), "trace": ()}.get(self.mode, (outputs,))


def inference_call(model, params, state, x, return_losses=False):
    """The model's output at x in inference mode, with trainable `params` and non-trainable `state`
    given as tensors; with `return_losses`, (output, the losses the call added: `model.losses`).
    `stateless_call` hands `training` to `call` as it is, so it is passed only to a `call` that takes it
    (a subclassed model's `call(self, x)` does not)."""
    result = model.stateless_call(params, state, x, return_losses=return_losses, **inference_mode(model))
    return (result[0], result[2]) if return_losses else result[0]


def inference_mode(model):
    """The keyword arguments that call `model` in inference mode: training=False where its `call` takes it."""
    parameters = inspect.signature(model.call).parameters
    takes_training = "training" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())
    return {"training": False} if takes_training else {}


def keras_output_fn(model):
    """f(params, x) -> (B, O) for a Keras model with one output tensor, in inference mode (no dropout,
    BatchNormalization's moving statistics). The model's non-trainable state is read, never written."""

    def f(params, x):
        y = inference_call(model, params, [v.value for v in model.non_trainable_variables], x)
        return tf.reshape(y, [tf.shape(x)[0], -1])

    return f


def keras_layers(model):
    """Every layer of a model, nested models' layers included, outermost first."""
    for layer in getattr(model, "layers", ()):
        yield layer
        yield from keras_layers(layer)


def keras_loss_fn(model):
    """The model's compiled loss as loss(y_true (B, ...), y_pred (B, O)) -> scalar, averaged over the batch
    as Keras' default "sum_over_batch_size" reduction does."""
    loss = getattr(model, "loss", None)
    if loss is None:
        raise ValueError("the model has no loss; compile it (e.g. model.compile(keras.optimizers.SGD(0.1), 'mse'))")
    if isinstance(loss, (dict, list, tuple)):
        raise ValueError("the model has one loss per output; the probe needs a model with one output tensor and one loss")
    fn = keras.losses.get(loss) if isinstance(loss, str) else loss

    def loss_fn(y_true, y_pred):
        return tf.reduce_mean(fn(y_true, y_pred))

    return loss_fn


def sgd_update(learning_rate, loss_scale=None):
    """The plain SGD update w − g·η, with the arithmetic of keras.optimizers.SGD without momentum; `grads`
    are those of the loss multiplied by `loss_scale` (see `measure`), taken back out first as Keras'
    optimizers do."""

    def update(params, grads):
        grads = [dense(g) for g in grads]
        if loss_scale is not None:
            grads = [g / tf.cast(loss_scale, g.dtype) for g in grads]
        return [w - g * tf.cast(learning_rate, w.dtype) for w, g in zip(params, grads)]

    return update


def dense(gradient):
    """A gradient as a dense tensor: an embedding lookup's gradient comes as IndexedSlices."""
    return tf.convert_to_tensor(gradient)


def output_gradients(tape, f_o, params):
    """∇_w f_a(x_o) for every output a: a list of (O, *w.shape) tensors."""
    if f_o.shape[0] == 1:  # the gradient of a one-entry vector's sum, f_o itself (a slice would be off the tape)
        return [dense(g)[None] for g in tape.gradient(f_o, params, unconnected_gradients="zero")]
    return tape.jacobian(f_o, params, unconnected_gradients="zero")


def ntk_block(f, params, x, tangents):
    """(Θ (B, O, O), f(x; w) (B, O)) with Θ[i, a, b] = tangents_a · ∇_w f_b(x_i), for tangents given as
    (O, *w.shape) per weight. Two reverse passes and no Jacobian of x stored: the vector-Jacobian product
    uᵀJ is linear in u, so its derivative in u is J·tangent."""
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            inner.watch(params)
            out = f(params, x)
        u = tf.zeros(tf.shape(out), out.dtype)
        outer.watch(u)
        vjp = [dense(v) for v in inner.gradient(out, params, output_gradients=u, unconnected_gradients="zero")]
        if tangents[0].shape[0] == 1:
            contracted = tf.add_n([tf.reduce_sum(tf.reshape(t, [1, -1]) * tf.reshape(v, [1, -1]), axis=1) for v, t in zip(vjp, tangents)])
        else:
            # A product, not a broadcast sum: the Jacobian below then carries one weight-sized cotangent per
            # tangent, where a broadcast carries all of them in each (memory O² × weights).
            contracted = tf.add_n([tf.linalg.matvec(tf.reshape(t, [tf.shape(t)[0], -1]), tf.reshape(v, [-1])) for v, t in zip(vjp, tangents)])
    if tangents[0].shape[0] == 1:
        theta = outer.gradient(contracted, u)[:, None, :]  # the sum of one entry is that entry
    else:
        theta = tf.transpose(outer.jacobian(contracted, u), [1, 0, 2])
    del outer
    return theta, out


@conv_gradients_that_do_not_fault()
def measure(f, loss_fn, params, x_o, y_o, probe_x, kinds=POINT_KINDS, updates=None, extra_loss=None, batch_size=None,
            *, ntk=NtkSpec(), loss_scale=None):
    """f(x_o), and the requested kinds of response at every probe point.

    Args:
        f: f(params, x) -> (B, O), the network output.
        loss_fn: loss(y_true (1, ...), y_pred (1, O)) -> scalar, the training loss (unused for "ntk" and
            "output" alone).
        params: list of weight tensors w.
        x_o: one input (no batch axis); y_o: its target, as the loss takes it (a number, a class id, a
            one-hot vector).
        probe_x: (P, ...) probe inputs.
        kinds: subset of kinds.POINT_KINDS (and of the names in `updates`).
        updates: {kind: update(params, grads) -> params'} for the step-like kinds; "step" must be there
            when it is requested (see `sgd_update`). `grads` are the gradients of the loss times
            `loss_scale`, as a training step hands them to its optimizer: an embedding's as IndexedSlices.
        extra_loss: extra_loss(params, x) -> scalar added to the loss at x_o (the model's own losses, see
            `training_loss.keras_extra_loss`), or None.
        batch_size: the probe points go through the network this many at a time, one chunk after the
            other, so memory follows the chunk and not P; None takes all at once.
        ntk: which part of Θ, and how many output rows at a time (`NtkSpec`).
        loss_scale: the factor a mixed-precision training step multiplies its loss by before taking
            gradients (None: 1).

    Returns:
        dict with "f_o" (O,) and, per requested kind, (P, *ntk.shape(O)) for "ntk" and (P, O) for the others.
    """
    params = [tf.convert_to_tensor(p) for p in params]
    dtype = params[0].dtype
    updates = updates or {}
    stepped_kinds = [k for k in kinds if k in updates]
    x_o = tf.cast(x_o, dtype)[None]
    y_true = tf.reshape(tf.cast(y_o, dtype), [1, -1])
    probe_x = tf.cast(probe_x, dtype)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(params)
        f_o = f(params, x_o)[0]
        outputs = f_o.shape[0]
        rows = ntk.rows(outputs)
        whole = "ntk" in kinds and (ntk.rows_per_chunk is None or ntk.rows_per_chunk >= len(rows))
        selected = f_o if rows == list(range(outputs)) else tf.gather(f_o, rows)
        loss = loss_fn(y_true, f_o[None]) if stepped_kinds else None
        if stepped_kinds and extra_loss is not None:
            loss += tf.cast(extra_loss(params, x_o), loss.dtype)
        if stepped_kinds and loss_scale is not None:
            loss *= tf.cast(loss_scale, loss.dtype)
    tangents = output_gradients(tape, selected, params) if whole else None
    stepped = _updated(tape, loss, params, updates, stepped_kinds)
    del tape

    def at_points(x):
        res, at = {}, None
        if tangents is not None:
            block, at = ntk_block(f, params, x, tangents)
            res["ntk"] = _ntk_part(block, rows, ntk.mode)
        if at is None:
            at = f(params, x)
        return _changes_and_output(res, at, lambda new_params: f(new_params, x), stepped, kinds)

    shapes = {k: ntk.shape(outputs) if k == "ntk" else (outputs,) for k in _produced(kinds, tangents, stepped)}
    out = {"f_o": f_o, **(in_chunks(at_points, probe_x, batch_size, shapes, dtype) if shapes else {})}
    if "ntk" in kinds and not whole:
        out["ntk"] = _ntk_in_row_chunks(f, params, x_o, probe_x, rows, ntk, batch_size)
    if "step" in out and outputs == 1:
        out["step"] = out["step"] / (y_true[0] - f_o)
    return out


def _ntk_part(block, rows, mode):
    """The part `mode` asks for of Θ (B, R, O), whose row i belongs to the tangent ∇f_{rows[i]}(x_o)."""
    if mode == "full":
        return block
    if mode == "class":
        return block[:, 0, :]
    diagonal = tf.reduce_sum(block * tf.one_hot(rows, block.shape[2], dtype=block.dtype)[None], axis=2)
    return diagonal if mode == "diagonal" else tf.reduce_sum(diagonal, axis=1)


def _ntk_in_row_chunks(f, params, x_o, probe_x, rows, ntk, batch_size):
    """Θ at every probe point with the tangents ∇f_a(x_o) taken `ntk.rows_per_chunk` rows a at a time, each
    chunk of rows going over the probe points in chunks of `batch_size`: (P, *ntk.shape(O)) as one pass
    would give it, with memory following the chunks rather than the number of outputs."""
    dtype = params[0].dtype
    size = ntk.rows_per_chunk
    count = -(-len(rows) // size)
    ids = tf.constant([rows[min(i, len(rows) - 1)] for i in range(count * size)], tf.int32)  # padded with the last row
    outputs, points = len(rows), probe_x.shape[0]  # every output's row: only "class" takes one, never chunked
    part = "full" if ntk.mode == "full" else "diagonal"
    shape = (size, outputs) if part == "full" else (size,)

    def rows_chunk(chunk_ids):
        with tf.GradientTape() as tape:
            tape.watch(params)
            selected = tf.gather(f(params, x_o)[0], chunk_ids)
        tangents = output_gradients(tape, selected, params)

        def at_points(x):
            return {"ntk": _ntk_part(ntk_block(f, params, x, tangents)[0], chunk_ids, part)}

        return in_chunks(at_points, probe_x, batch_size, {"ntk": shape}, dtype)["ntk"]

    per_chunk = tf.map_fn(rows_chunk, tf.reshape(ids, [count, size]), fn_output_signature=tf.TensorSpec((points,) + shape, dtype))
    moved = tf.transpose(per_chunk, [1, 0] + list(range(2, len(shape) + 2)))  # (P, chunks, size, ...)
    theta = tf.reshape(moved, (points, count * size) + shape[1:])[:, : len(rows)]
    return tf.reduce_sum(theta, axis=1) if ntk.mode == "trace" else theta


def measure_replicas(g, loss_fn, params, x_o, y_o, probe_x, kinds, updates=None, batch_size=None, parallel=1, tabulated=None):
    """`measure` for R independent one-output networks at once, each at its own x_o and probe points.

    Args:
        g: g(params, x (B, R, ...), tangents=None) -> (f (B, R), its derivative along `tangents` or None),
            output r a function of every parameter's slice r and of x[:, r] alone
            (training_response.stacked.stacked_output_fn).
        params: the replicas' weights stacked along a leading axis, (R, *w.shape) each.
        x_o (R, ...), y_o (R,): each replica's training point and its target; probe_x (R, P, ...).
        kinds, updates: as for `measure` ("step" and "output" are one number per point here).
        batch_size: probe points per chunk, as for `measure`; `parallel` chunks go through at once.
        tabulated: the same networks read from tables (training_response.windows.Tabulated): the probe
            points are encoded once, the tables made once per weights, and the chunks look them up;
            None: g at every chunk.

    Returns:
        dict with "f_o" (R,) and, per requested kind, (R, P): what `measure` gives replica by replica.
        The replicas being independent, the gradient of a sum over them holds each one's own gradient:
        the gradient of Σ_r f_r(x_o) is every replica's ∇_w f(x_o), and the derivative of f(x) along it
        is every replica's Θ(x_o, x), in one forward pass.
    """
    params = [tf.convert_to_tensor(p) for p in params]
    dtype = params[0].dtype
    updates = updates or {}
    stepped_kinds = [k for k in kinds if k in updates]
    y_true = tf.cast(y_o, dtype)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(params)
        f_o = g(params, tf.cast(x_o, dtype)[None])[0][0]
        loss = None
        if stepped_kinds:
            # Each replica's own loss on its batch of one, as `measure` takes it.
            losses = tf.vectorized_map(lambda yf: loss_fn(tf.reshape(yf[0], [1, -1]), tf.reshape(yf[1], [1, 1])), (y_true, f_o))
            loss = tf.reduce_sum(losses)
    tangents = [dense(t) for t in tape.gradient(f_o, params, unconnected_gradients="zero")] if "ntk" in kinds else None
    stepped = _updated(tape, loss, params, updates, stepped_kinds)
    del tape

    encode, prepare = (tabulated.encode, tabulated.prepare) if tabulated else (lambda x: x, lambda weights, along=None: lambda x: g(weights, x, along))
    forward = prepare(params, tangents)
    stepped_forward = {kind: prepare(new_params) for kind, new_params in stepped.items()}

    def at_points(x):
        at, theta = forward(x)
        res = {} if theta is None else {"ntk": theta}
        return _changes_and_output(res, at, lambda stepped_at: stepped_at(x)[0], stepped_forward, kinds)

    replicas = f_o.shape[0]
    probe_x = tf.cast(probe_x, dtype)
    points_first = encode(tf.transpose(probe_x, [1, 0, *range(2, probe_x.shape.rank)]))
    shapes = {k: (replicas,) for k in _produced(kinds, tangents, stepped)}
    chunked = in_chunks(at_points, points_first, batch_size, shapes, dtype, parallel)
    out = {"f_o": f_o, **{k: tf.transpose(v) for k, v in chunked.items()}}
    if "step" in out:
        out["step"] = out["step"] / (y_true - f_o)[:, None]
    return out


def _updated(tape, loss, params, updates, kinds):
    """{kind: params'} of every update in `kinds`, from the gradient of `loss` on `tape`: each is taken
    once, before any probe point is looked at (the model's own optimizer step is taken and undone here).
    The gradients are handed over as the tape gives them, as a Keras training step hands them to its
    optimizer: an embedding's as IndexedSlices, whose duplicate rows some optimizers treat apart."""
    if not kinds:
        return {}
    grads = tape.gradient(loss, params, unconnected_gradients="zero")
    return {kind: updates[kind](params, grads) for kind in kinds}


def _changes_and_output(res, at, forward, stepped, kinds):
    """res with, per stepped kind, the change forward(s) − at of the output `at` at the same points, s the
    kind's entry in `stepped` (its weights params', or a function of them), and "output" (at itself) when
    asked."""
    for kind, new in stepped.items():
        res[kind] = forward(new) - at
    if "output" in kinds:
        res["output"] = at
    return res


def _produced(kinds, tangents, stepped):
    """The point kinds a measurement produces, in its order."""
    return (["ntk"] if tangents is not None else []) + list(stepped) + (["output"] if "output" in kinds else [])


def in_chunks(fn, x, batch_size, shapes, dtype, parallel=1):
    """fn(x) for x (N, ...), or a nest of such tensors, computed `batch_size` items at a time, `parallel`
    chunks at once (by default one after the other, so that only one chunk's activations are alive at
    once), as fn(x) would give it: {key: (N, *shapes[key])}."""
    leaves = tf.nest.flatten(x)
    points = leaves[0].shape[0]
    if batch_size is None or points is None or batch_size >= points:
        return fn(x)
    chunks = -(-points // batch_size)
    padding = chunks * batch_size - points

    def split(t):
        # The last chunk is filled up with copies of the last item; their values are dropped.
        padded = tf.concat([t, tf.repeat(t[-1:], padding, axis=0)], axis=0) if padding else t
        return tf.reshape(padded, [chunks, batch_size] + t.shape[1:].as_list())

    signature = {key: tf.TensorSpec((batch_size,) + shape, dtype) for key, shape in shapes.items()}
    out = tf.map_fn(fn, tf.nest.map_structure(split, x), fn_output_signature=signature, parallel_iterations=parallel)
    return {key: tf.reshape(value, (chunks * batch_size,) + shapes[key])[:points] for key, value in out.items()}


def ntk_row(f, params, x_o, probe_x):
    """Θ(x_o, x) for every x in probe_x: (P,) for one output, (P, O, O) for O outputs."""
    theta = measure(f, None, params, x_o, 0.0, probe_x, kinds=("ntk",))["ntk"]
    return theta[:, 0, 0] if theta.shape[1] == 1 else theta


def step_response(f, loss_fn, params, x_o, y_o, probe_x, learning_rate):
    """The response of one SGD step at every x in probe_x: normalized (P,) for one output, raw (P, O) for O."""
    step = measure(f, loss_fn, params, x_o, y_o, probe_x, kinds=("step",), updates={"step": sgd_update(learning_rate)})["step"]
    return step[:, 0] if step.shape[1] == 1 else step
