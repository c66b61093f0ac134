"""How far the probe's inference-mode step is from the steps training takes with dropout masks, on the
2022 paper's Conv1D network with Dropout(0.2)."""

import numpy as np
import tensorflow as tf

from training_response import ResponseProbe
from training_response.data import random_bits, shells
from ..models import build_2022


def relative_distances(steps, inference):
    """Relative L2 distances to the probe's `inference`-mode step: of each masked step (one per row of
    `steps`), and of the masked steps' mean."""
    norm = np.linalg.norm(inference)
    each = list(np.linalg.norm(steps - inference, axis=1) / norm)
    return each, float(np.linalg.norm(steps.mean(axis=0) - inference) / norm)


def dropout_row(single, averaged):
    """bench.json's row of one training length: the spread of the single masked steps' distances over all
    networks, and the mean over networks of their mean step's distance."""
    return {
        "one_masked_step_median": round(float(np.median(single)), 3),
        "one_masked_step_quartiles": [round(float(q), 3) for q in np.percentile(single, [25, 75])],
        "mean_of_masked_steps": round(float(np.mean(averaged)), 3),
    }


def _masked_steps(model, x_o, probe_x, masks, learning_rate):
    """Normalized responses at probe_x of `masks` SGD steps taken in training mode (each with a fresh dropout
    mask) on (x_o, 1), all read in inference mode, as the probe reads its own step. Weights are restored."""
    variables = model.trainable_variables
    saved = [v.numpy() for v in variables]
    error = 1.0 - float(model(x_o[None], training=False)[0, 0])
    before = model(probe_x, training=False).numpy()[:, 0]
    steps = []
    for _ in range(masks):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(1.0 - model(x_o[None], training=True)))
        for variable, grad in zip(variables, tape.gradient(loss, variables)):
            variable.assign_sub(learning_rate * grad)
        steps.append((model(probe_x, training=False).numpy()[:, 0] - before) / error)
        for variable, value in zip(variables, saved):
            variable.assign(value)
    return np.asarray(steps)


def dropout_step_difference(networks=5, masks=300, trained_epochs=(0, 300), probes_per_shell=20):
    """How far the probe's inference-mode step is from the steps training takes with Dropout(0.2) masks, on
    the 2022 Fig. 3 network (16 bits, 3 × Conv1D(8, ELU) + Dropout(0.2), sigmoid head, SGD 0.1): at
    initialisation and after training on x_o alone. Relative L2 distances over probe points in the shells
    H = 0, 1, 2, 4, 8 around x_o."""
    rows = {}
    for epochs in trained_epochs:
        single, averaged = [], []
        for replica in range(networks):
            model = build_2022("elu", dropout=0.2, seed=replica)
            x_o = random_bits(16, rng=replica).reshape(16, 1)
            if epochs:
                model.fit(np.repeat(x_o[None], epochs, 0), np.ones((epochs, 1)), batch_size=1, epochs=1, verbose=0, shuffle=False)
            probe_x, _ = shells(x_o, [0, 1, 2, 4, 8], probes_per_shell, seed=replica)
            probe = ResponseProbe(x_o, 1.0, probe_x, kinds=("step",), epochs=[1])
            model.fit(x_o[None], np.ones((1, 1)), epochs=0, verbose=0, callbacks=[probe])
            inference = probe.history["step"][0]
            steps = _masked_steps(model, x_o, probe_x, masks, float(model.optimizer.learning_rate))
            each, of_mean = relative_distances(steps, inference)
            single += each
            averaged.append(of_mean)
        rows[f"epoch_{epochs}"] = dropout_row(single, averaged)
    return {
        "workload": f"2022 Fig. 3 network, {networks} networks × {masks} dropout masks, probe points in Hamming shells 0, 1, 2, 4, 8 "
        "(20 each); relative L2 distance of training-mode steps to the probe's inference-mode step",
        **rows,
    }
