"""What a run keeps of its measurements: raw per-point histories, or per-shell summaries when the raw
ones would not fit in memory."""

import numpy as np

from training_response.points import probe_points
from training_response.kinds import POINT_KINDS, SCALARS
from training_response.data import random_bits
from .problem import measured_epochs

# Raw histories (replica × measured epoch × probe point, per kind) above this size are reduced to
# per-shell summaries while the run goes on, so memory stays bounded whatever the probe.
RAW_LIMIT_BYTES = 32 * 2**20

KEPT = {
    "raw": "raw per-point histories (replica × measured epoch × probe point)",
    "shells": "per-shell summaries (replica × measured epoch × Hamming distance): the mean over each shell's "
    "members in the kinds' arrays, their standard deviation in <kind>_shell_std; no probe_x",
}


def keep_mode(fig, replicas, epochs, limit=RAW_LIMIT_BYTES):
    """"raw" when the per-point float32 histories fit under `limit` bytes, else "shells"; always "raw" when
    the weights are kept (the theory reads every point, and the weights outweigh the points)."""
    if fig.kind != "points" or fig.probe.get("weights"):
        return "raw"
    x = random_bits(fig.model["n_bits"], values=fig.training["bits"], rng=0)
    points = len(probe_points(x, None, fig.probe["shells"], fig.probe["samples_per_shell"], 0)[0])
    point_kinds = [k for k in fig.probe["kinds"] if k in POINT_KINDS]
    size = 4 * replicas * (len(measured_epochs(fig, epochs)) + 1) * points * len(point_kinds)
    return "raw" if size <= limit else "shells"


def reduce_to_shells(values, distance):
    """Per-shell mean and standard deviation over the shell's members, for (..., P) values."""
    levels = np.unique(distance)
    means = np.stack([values[..., distance == h].mean(axis=-1) for h in levels], axis=-1)
    stds = np.stack([values[..., distance == h].std(axis=-1) for h in levels], axis=-1)
    return levels, means.astype(np.float32), stds.astype(np.float32)


def kept(record, kinds, distance, keep):
    """A replica's (or the ensemble's) measurements as the run keeps them, and their distances:
    per-point kinds raw or reduced to shells, per-measurement scalars (feature statistics) as they are."""
    out = {key: record[key] for k in kinds for key in SCALARS.get(k, ())}
    point_kinds = [k for k in kinds if k in POINT_KINDS]
    if keep == "raw":
        return {**out, **{kind: record[kind] for kind in point_kinds}}, distance
    for kind in point_kinds:
        levels, out[kind], out[f"{kind}_shell_std"] = reduce_to_shells(record[kind], distance)
    return out, levels
