"""`python -m replication bench`: on the 2024-fig1 workload, the ResponseProbe's cost on model.fit and
the ensemble engine's speed against one model.fit per replica (also on the 2022 paper's Conv1D and Conv2D
networks), with the engine's FLOP rate against this machine's matmul rate.

One module a measurement: overhead (the probe on model.fit) with by_hand (the measurement written out for
one network), flops (the FLOP model and the machine's matmul rate), engine_speed, jax_speed (against
jax_reference), dropout and memory (ResNet-50); report runs them all into bench.json and the console."""

from .engine_speed import EngineSizes
from .jax_speed import jax_comparison
from .report import run_bench

__all__ = ["EngineSizes", "jax_comparison", "run_bench"]
