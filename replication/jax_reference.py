"""The bench's yardstick: the every-epoch workload of the 2024 network written as an expert
would write it in JAX, independently of Keras and of training_response.response.

Per replica: the network 8 bits → Dense(features, ReLU or ELU) → Dense(1, sigmoid) as a pure function,
one SGD step of the mean squared error on x_o per epoch, and after every step (and at epoch 0) f(x_o),
Θ(x_o, x) = J(x)·∇f(x_o) as one forward-mode product over all probe points (`jax.jvp`) and the step
response [f(x; w') − f(x; w)] / (y_o − f(x_o)). The gradient at x_o serves twice, as Θ's tangent and
(times 2(f − y)) as the next training step, and is carried from one epoch to the next; the epochs are
one `lax.scan`, the replicas `vmap`ped, the whole run one `jit`. JAX is an optional extra (`.[jax]`);
the module is imported only by the bench.
"""

import jax
import jax.numpy as jnp
import numpy as np

from .ensemble_trainer import point_replicas
from .problem import replica_setup
from .timing import seconds_of_calls

_ACTIVATIONS = {"relu": jax.nn.relu, "elu": jax.nn.elu}


def _network(activation):
    act = _ACTIVATIONS[activation]

    def f(params, x):
        w1, b1, w2, b2 = params
        return jax.nn.sigmoid(act(x @ w1 + b1) @ w2 + b2)[..., 0]

    return f


def _replica_run(f, learning_rate):
    """run(params, x_o, y_o, targets (E,), probe_x (P, n)) -> f_o (E+1,), step, ntk (E+1, P)."""

    def at_x_o(params, x_o):
        return jax.value_and_grad(lambda p: f(p, x_o[None])[0])(params)

    def run(params, x_o, y_o, targets, probe_x):
        def measure(params, f_o, tangent):
            out, theta = jax.jvp(lambda p: f(p, probe_x), (params,), (tangent,))
            stepped = jax.tree.map(lambda w, t: w - learning_rate * 2 * (f_o - y_o) * t, params, tangent)
            return f_o, (f(stepped, probe_x) - out) / (y_o - f_o), theta

        def epoch(carry, target):
            params, f_o, tangent = carry
            params = jax.tree.map(lambda w, t: w - learning_rate * 2 * (f_o - target) * t, params, tangent)
            f_o, tangent = at_x_o(params, x_o)
            return (params, f_o, tangent), measure(params, f_o, tangent)

        f_o, tangent = at_x_o(params, x_o)
        first = measure(params, f_o, tangent)
        _, rest = jax.lax.scan(epoch, (params, f_o, tangent), targets)
        return jax.tree.map(lambda a, b: jnp.concatenate([a[None], b]), first, rest)

    return run


def _inputs(fig, replicas, epochs, seed):
    """The engine's replicas of `fig` (ensemble_trainer.point_replicas): stacked weights, η, x_o, y_o,
    target streams and probe points."""
    if fig.model["builder"] != "nakazato2024" or fig.training.get("inputs", "fixed") != "fixed":
        raise ValueError(f"the JAX reference implements the 2024 network trained on x_o alone, not {fig.id}")
    setups = [replica_setup(fig, seed, r, epochs) for r in range(replicas)]
    ensemble, x_o, y_o, probe_x, _ = point_replicas(fig, setups)
    params = [jnp.asarray(p.numpy()) for p in ensemble.params]
    targets = np.stack([s["targets"] for s in setups]).astype(np.float32)
    return params, ensemble.learning_rate, x_o.astype(np.float32), y_o, targets, probe_x.astype(np.float32)


def reference_run(fig, replicas, epochs, seed=0, runs=1):
    """(arrays, seconds): f_o (R, T), step and ntk (R, T, P) for the T = epochs + 1 measured epochs
    0..epochs of the engine's replicas of `fig`, and the seconds of the compiled run alone, the best of
    `runs` (after a warm-up call that compiles it; building the inputs is not timed). η is the compiled
    model's, as the engine's."""
    params, learning_rate, x_o, y_o, targets, probe_x = _inputs(fig, replicas, epochs, seed)
    run = jax.jit(jax.vmap(_replica_run(_network(fig.model["activation"]), learning_rate)))
    f_o, step, ntk = jax.block_until_ready(run(params, x_o, y_o, targets, probe_x))  # compiles; the timed runs repeat it
    times = seconds_of_calls(lambda _: jax.block_until_ready(run(params, x_o, y_o, targets, probe_x)), runs)
    return {"f_o": np.asarray(f_o), "step": np.asarray(step), "ntk": np.asarray(ntk)}, min(times)
