"""The probe's kinds "step" and "ntk" on the 2024-fig1 network written out by hand for that network alone:
the least arithmetic a measurement of them needs, the floor the probe's generic measurement is timed
against (overhead.probe_overhead)."""

import tensorflow as tf


def minimal_measurement(model, points, x_o, y_o):
    """What the probe measures on the 2024-fig1 network (Dense(128, ReLU), Dense(1, sigmoid), MSE, plain SGD
    at the optimizer's rate): Θ(x_o, x) = (x·x_o + 1) Σ_j δ_j(x_o) δ_j(x) + (h(x)·h(x_o) + 1) s(x_o) s(x), with
    h the hidden layer, s = σ'(z_out) and δ = s W_out ⊙ 1[z_hidden > 0], and the normalized step from one
    forward pass at the stepped weights. Compiled as the probe compiles its measurement (XLA), a concrete
    function of no arguments returning [f(x_o), Θ at `points`, step at `points`] as one vector."""
    points = tf.constant(points, tf.float32)
    x_o = tf.constant(x_o[None], tf.float32)
    variables = list(model.trainable_variables)
    optimizer = model.optimizer

    def forward(w1, b1, w2, b2, x):
        z = x @ w1 + b1
        f = tf.sigmoid(tf.nn.relu(z) @ w2 + b2)
        return z, f, f * (1 - f)

    @tf.function(jit_compile=True)
    def run():
        rate = tf.cast(optimizer.learning_rate, tf.float32)
        w1, b1, w2, b2 = [v.value for v in variables]
        z_o, f_o, s_o = forward(w1, b1, w2, b2, x_o)
        z, f, s = forward(w1, b1, w2, b2, points)
        delta_o = s_o * tf.transpose(w2) * tf.cast(z_o > 0, tf.float32)  # (1, H)
        theta = (points @ tf.transpose(x_o) + 1) * s * (tf.cast(z > 0, tf.float32) @ (w2 * tf.transpose(delta_o)))
        theta += (tf.nn.relu(z) @ tf.transpose(tf.nn.relu(z_o)) + 1) * s_o * s
        # One SGD step on (x_o, y_o) with the MSE loss, whose derivative in f(x_o) is -2 (y_o - f(x_o)).
        error = y_o - f_o
        g_out, g_hidden = -2 * error * s_o, -2 * error * delta_o
        stepped = forward(w1 - rate * tf.transpose(x_o) @ g_hidden, b1 - rate * g_hidden[0], w2 - rate * tf.transpose(tf.nn.relu(z_o)) * g_out, b2 - rate * g_out[0], points)[1]
        return tf.concat([f_o[0], theta[:, 0], (stepped - f)[:, 0] / error[0]], axis=0)

    return run.get_concrete_function()
