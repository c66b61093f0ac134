"""A figure's results on disk: where they go, the record stored with them (whose config hash run.Run
compares to decide whether a rerun is needed), and writing or reading them. Every file goes through
training_response.writing's one atomic writer."""

import io
import json
import os

import numpy as np

from training_response.writing import write_atomically
from . import figures, stats


def output_paths(fig, out):
    """A figure's files in `out`: "npz" (every replica's arrays), "json", "png" and, for a figure that
    others compare against, "shells" (<name>.shells.npz: what their comparisons read of it)."""
    stem = os.path.join(out, fig.paper, fig.name)
    paths = {ext: f"{stem}.{ext}" for ext in ("npz", "json", "png")}
    if fig.id in compared_against():
        paths["shells"] = f"{stem}.shells.npz"
    return paths


def compared_against():
    """The ids of the figures that some figure's claims or panels compare against."""
    return {ref for fig in figures.FIGURES.values() for ref in reference_ids(fig)}


def comparison_arrays(data):
    """What other figures' comparisons read of a run's arrays: the per-replica measurements as Hamming-
    shell means (stats.shell_reduced, the same numbers every shell-based check computes), the diverged
    flags, targets and epochs; without the shells' spreads and the inputs."""
    return {key: value for key, value in stats.shell_reduced(data).items() if not key.endswith("_shell_std") and key != "x_o"}


def checkpoint_path(fig, out, label):
    """Where a variant's checkpoint is kept while its run goes on (hidden beside the figure's files)."""
    return os.path.join(out, fig.paper, f".{fig.name}{f'.{label}' if label else ''}.checkpoint.npz")


def flatten_variants(per_variant):
    """{label: {key: array}} as one npz dict: keys "<label>.<key>", or plain keys for the label ""."""
    return {(f"{label}.{key}" if label else key): value for label, arrays in per_variant.items() for key, value in arrays.items()}


def without_diverged(data, diverged):
    """The data without the flagged replicas (all of it when none are)."""
    if diverged is None or not np.any(diverged):
        return data
    return stats.resample_replicas(data, np.flatnonzero(~np.asarray(diverged, bool)))


def load_figure_data(path):
    """A figure's npz back as {label: {key: array}}, without the replicas that diverged."""
    out = {}
    with np.load(path, allow_pickle=False) as z:
        for name in z.files:
            label, _, key = name.rpartition(".")
            out.setdefault(label, {})[key] = z[name]
    return {label: without_diverged(data, data.get("diverged")) for label, data in out.items()}


def reference_ids(fig):
    """The figures that `fig`'s claims and panels compare against, in order."""
    wanted = [claim.get("reference") for claim in fig.claims]
    wanted += [ref for panel in fig.panels if isinstance(panel, dict) for ref in panel.get("references", ())]
    return list(dict.fromkeys(ref for ref in wanted if ref))


def load_references(fig, out):
    """The results of the figures that `fig`'s claims compare against, where they have been run."""
    references = {}
    for ref in reference_ids(fig):
        path = output_paths(figures.get(ref), out)["shells"]
        if os.path.exists(path):
            references[ref] = load_figure_data(path)
    return references


def stored_record(fig, out):
    """The figure's json in `out` when its json, png and (for a figure others compare against) shells
    exist, else None. The npz is not needed: it is kept out of git, so a clone's results count as done."""
    paths = output_paths(fig, out)
    if not all(os.path.exists(path) for kind, path in paths.items() if kind != "npz"):
        return None
    try:
        with open(paths["json"]) as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def json_ready(value):
    """Plain json types, with NaN and infinities as null (strict json has no NaN)."""
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_ready(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def write_figure(fig, out, arrays, record, draw, shells):
    """Writes a figure's npz (`arrays`), shells (`shells`, what comparisons read: only for a figure that
    others compare against), png (`draw(file)` renders it) and json (`record`); returns their paths. Every file is rendered in memory first, so a failure (a plot that cannot be drawn,
    a record that is not json) leaves the previous results untouched. The json goes first and comes
    back last: a figure counts as done (for the report and for resuming) only with its json, so an
    interruption between the files leaves it "not done" instead of pairing new arrays with an old record."""
    paths = output_paths(fig, out)
    contents = {"npz": _npz(arrays), **({"shells": _npz(shells)} if "shells" in paths else {})}
    png = io.BytesIO()
    draw(png)
    contents["png"] = png.getvalue()
    contents["json"] = (json.dumps(json_ready(record), indent=2, allow_nan=False) + "\n").encode()
    if os.path.exists(paths["json"]):
        os.remove(paths["json"])
    for kind, content in contents.items():
        write_atomically(paths[kind], lambda fh, content=content: fh.write(content))
    return paths


def _npz(arrays):
    file = io.BytesIO()
    np.savez_compressed(file, **arrays)
    return file.getvalue()
