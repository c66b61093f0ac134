"""The 2024 paper's simplified system, eqs. (21)-(22), iterated as a discrete map.

With y = σ(x), σ a sigmoid of slope a, one training step on target y_o moves the pre-activation by
δx = η (y_o − y) σ′(x), and the normalized response at the training point is δy/(y_o − y) = C σ′(x)².
For y_o = 1 the response decays as C / (2η t) at large t (a power law with τ = 1); for 0 < y_o < 1 it
relaxes to the constant C (a y_o (1 − y_o))² at the fixed point σ(x*) = y_o.
"""

import numpy as np


def sigmoid(x, a):
    return 1.0 / (1.0 + np.exp(-a * x))


def sigmoid_slope(x, a):
    s = sigmoid(x, a)
    return a * s * (1.0 - s)


def iterate(y_o, learning_rate, a, epochs, *, x0=0.0, c=1.0):
    """The map x_{t+1} = x_t + η (y_o − σ(x_t)) σ′(x_t) for t < epochs, in float64.

    Returns dict of arrays over t = 0..epochs: x, y = σ(x) and the response C σ′(x)².
    """
    if not (np.isfinite(y_o) and learning_rate > 0 and a > 0 and epochs >= 0):
        raise ValueError(f"need a finite y_o, learning_rate > 0, a > 0 and epochs >= 0; got {y_o}, {learning_rate}, {a}, {epochs}")
    x = np.empty(int(epochs) + 1)
    x[0] = x0
    for t in range(int(epochs)):
        x[t + 1] = x[t] + learning_rate * (y_o - sigmoid(x[t], a)) * sigmoid_slope(x[t], a)
    return {"x": x, "y": sigmoid(x, a), "response": c * sigmoid_slope(x, a) ** 2}
