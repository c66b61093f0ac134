"""The engine against the JAX reference (replication/jax_reference.py), an expert implementation of the
every-epoch workload: how much faster the engine is, and that both compute the same numbers."""

import numpy as np

from ..timing import ms_per_replica_epoch
from ..training import run_ensemble
from .engine_speed import EngineSizes

JAX_TARGET = 1.6  # the engine at least this much faster than the JAX reference on the every-epoch workload


def jax_comparison(fig, sizes, engine_row, check_sizes=EngineSizes(0, 10, 200)):
    """bench.json's row of the JAX reference (jax_reference.py) on the engine row's workload and sizes: its
    ms per replica-epoch (the compiled run alone), how many times faster the engine row is, and, on
    check_sizes, the largest scale-relative difference max|a − b| / max|b| of each array from the
    engine's, so that both are seen to compute the same numbers. Without JAX installed, says so."""
    try:
        import jax

        from ..jax_reference import reference_run
    except ImportError:
        return {"status": "not measured: JAX is not installed (pip install '.[jax]')"}
    reference, _ = reference_run(fig, check_sizes.engine_replicas, check_sizes.epochs)
    engine = run_ensemble(fig, check_sizes.engine_replicas, check_sizes.epochs, seed=0)
    difference = {k: float(np.max(np.abs(engine[k] - reference[k])) / np.max(np.abs(reference[k]))) for k in reference}
    _, seconds = reference_run(fig, sizes.engine_replicas, sizes.epochs, runs=sizes.engine_runs)
    jax_ms = ms_per_replica_epoch(seconds, sizes.engine_replicas, sizes.epochs)
    return {
        "workload": f"{engine_row['workload']}: jax.jvp for Θ, replicas vmapped, epochs in one lax.scan, one jit; the compiled run "
        "alone is timed, the best of the engine row's number of runs (the engine row's time includes building the replicas)",
        "jax": jax.__version__,
        "replicas": sizes.engine_replicas,
        "epochs": sizes.epochs,
        "runs": sizes.engine_runs,
        "jax_ms_per_replica_epoch": round(jax_ms, 5),
        "engine_ms_per_replica_epoch": engine_row["engine_ms_per_replica_epoch"],
        "engine_faster_by": round(jax_ms / engine_row["engine_ms_per_replica_epoch"], 2),
        "target": JAX_TARGET,
        "check": f"{check_sizes.engine_replicas} replicas x {check_sizes.epochs} epochs, seed 0",
        "scale_relative_difference": {k: float(f"{v:.2g}") for k, v in difference.items()},
    }
