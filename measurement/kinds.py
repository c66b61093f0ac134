"""What a probe can measure, declared once: the kinds, which of them take a training step, the statistics
measured once per measurement instead of per probe point, and the epoch-log keys of their values at x_o.
The callback, the engine, the records and the replication's analysis all read them from here."""

# One value per probe point (and at x_o itself).
POINT_KINDS = ("step", "optimizer_step", "ntk", "output")
# The kinds measured by taking a training step: the papers' plain SGD step, and the optimizer's own.
STEPPED_KINDS = ("step", "optimizer_step")
# Per measurement, over the probe points: the feature statistics ⟨F_i⟩ and the dead fraction.
SCALARS = {"features": ("feature_mean", "dead_fraction")}
PROBE_KINDS = POINT_KINDS + tuple(SCALARS)
DEFAULT_KINDS = ("step", "ntk")
# What an ensemble trained with plain SGD records per point: its optimizer's step is the SGD step.
SGD_KINDS = tuple(k for k in POINT_KINDS if k != "optimizer_step")
# The kernels a picture can be drawn from (every point kind but the output), in order of preference.
KERNEL_KINDS = ("ntk", "step", "optimizer_step")
# The epoch-log keys of the values at x_o (for O > 1 outputs: the norm of the change, the trace of Θ).
LOG_KEYS = {"step": "response_o", "optimizer_step": "optimizer_response_o", "ntk": "ntk_o"}
