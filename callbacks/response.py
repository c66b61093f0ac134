"""The training response of one SGD step, as pure functions of (function, parameters, inputs).

`f(params, x)` maps a list of trainable tensors and a batch of inputs to one scalar per example. The
callback (`ResponseProbe`) and any training loop that holds its weights as tensors share these
functions, so there is one implementation of every measured quantity:

- `ntk_row`: Θ(x_o, x) = ∇_w f(x_o; w) · ∇_w f(x; w) for every probe point x,
- `step_response`: [f(x; w') − f(x; w)] / (y_o − f(x_o; w)) with w' = w − η ∇_w L(y_o, f(x_o; w)),
- `measure`: both, sharing the gradient at x_o, and the output f(x; w) itself ("output").
"""

import keras
import tensorflow as tf

KINDS = ("step", "ntk", "output")


def keras_output_fn(model):
    """f(params, x) for a Keras model: its scalar output per example, in inference mode (no dropout).

    The model's non-trainable state is read when f is called, and never written.
    """

    def f(params, x):
        non_trainable = [v.value for v in model.non_trainable_variables]
        y, _ = model.stateless_call(params, non_trainable, x, training=False)
        return tf.reshape(y, [-1])

    return f


def keras_loss_fn(model):
    """The model's compiled loss as loss(y_true (B, 1), y_pred (B, 1)) -> scalar, averaged over the batch."""
    loss = getattr(model, "loss", None)
    if loss is None:
        raise ValueError("the model has no loss; compile it (e.g. model.compile(keras.optimizers.SGD(0.1), 'mse'))")
    if isinstance(loss, (dict, list, tuple)):
        raise ValueError("the model has one loss per output; the probe needs a model with one scalar output")
    fn = keras.losses.get(loss) if isinstance(loss, str) else loss

    def loss_fn(y_true, y_pred):
        return tf.reduce_mean(fn(y_true, y_pred))

    return loss_fn


def _params_like(params):
    return [tf.convert_to_tensor(p) for p in params]


def jacobian_vector_product(f, params, x, tangent):
    """(∇_w f(x; w) · tangent, f(x; w)) for every example in x, both (B,), with two reverse passes and
    no Jacobian stored: the vector-Jacobian product uᵀJ is linear in u, so its gradient in u is J·tangent.
    """
    u = tf.zeros(tf.shape(x)[:1], dtype=tangent[0].dtype)
    with tf.GradientTape() as outer:
        outer.watch(u)
        with tf.GradientTape() as inner:
            inner.watch(params)
            out = f(params, x)
        vjp = inner.gradient(out, params, output_gradients=u, unconnected_gradients="zero")
        contracted = tf.add_n([tf.reduce_sum(a * b) for a, b in zip(vjp, tangent)])
    return outer.gradient(contracted, u), out


def measure(f, loss_fn, params, x_o, y_o, probe_x, learning_rate, kinds=KINDS):
    """f(x_o), and the requested kinds of response of one SGD step on (x_o, y_o), at every probe point.

    Args:
        f: f(params, x) -> (B,), the network output.
        loss_fn: loss(y_true (1, 1), y_pred (1, 1)) -> scalar, the training loss.
        params: list of weight tensors w.
        x_o: one input (no batch axis); y_o: its scalar target.
        probe_x: (P, ...) probe inputs.
        learning_rate: η of the SGD step.
        kinds: subset of ("step", "ntk", "output").

    Returns:
        dict with "f_o" (scalar) and, per requested kind, a (P,) tensor.
    """
    params = _params_like(params)
    dtype = params[0].dtype
    x_o = tf.cast(x_o, dtype)[None]
    y_o = tf.cast(y_o, dtype)
    probe_x = tf.cast(probe_x, dtype)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(params)
        f_o = f(params, x_o)[0]
        if "step" in kinds:
            loss = loss_fn(tf.reshape(y_o, [1, 1]), tf.reshape(f_o, [1, 1]))
    out = {"f_o": f_o}
    at_probe = None
    if "ntk" in kinds:
        grad_f = tape.gradient(f_o, params, unconnected_gradients="zero")
        out["ntk"], at_probe = jacobian_vector_product(f, params, probe_x, grad_f)
    if "step" in kinds:
        grad_loss = tape.gradient(loss, params, unconnected_gradients="zero")
        lr = tf.cast(learning_rate, dtype)
        # Same arithmetic as keras.optimizers.SGD without momentum: w - g * lr.
        stepped = [w - g * lr for w, g in zip(params, grad_loss)]
        if at_probe is None:
            at_probe = f(params, probe_x)
        out["step"] = (f(stepped, probe_x) - at_probe) / (y_o - f_o)
    if "output" in kinds:
        out["output"] = f(params, probe_x) if at_probe is None else at_probe
    del tape
    return out


def ntk_row(f, params, x_o, probe_x):
    """Θ(x_o, x) for every x in probe_x, (P,)."""
    return measure(f, None, params, x_o, 0.0, probe_x, 0.0, kinds=("ntk",))["ntk"]


def step_response(f, loss_fn, params, x_o, y_o, probe_x, learning_rate):
    """The normalized exact one-step response at every x in probe_x, (P,)."""
    return measure(f, loss_fn, params, x_o, y_o, probe_x, learning_rate, kinds=("step",))["step"]
