"""A picture of one recorded run: the aging of the response at x_o and the response kernel.

`plot_history(probe.history, "probe.png")` draws it. The figure is built on a plain Figure with the
Agg canvas, never through pyplot, so drawing neither switches the caller's matplotlib backend nor
leaves figures open in pyplot's registry.
"""

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .kinds import KERNEL_KINDS
from .training_loss import class_of
from .writing import write_atomically

# The replication's figures import this too, so that every figure of the project looks alike.
STYLE = {
    "figure.dpi": 110,
    "font.size": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}

MAX_DEFAULT_EPOCHS = 5
# Beyond this many distinct distances (e.g. images) the kernel is averaged in equal-count distance bins.
MAX_DISTANCE_LEVELS = 20
DISTANCE_BINS = 10

SYMBOL = {"step": r"\Delta", "optimizer_step": r"\Delta_{\rm opt}", "ntk": r"\Theta"}
TRACE_THETA, CLASS_THETA = r"{\rm tr}\,\Theta", r"\Theta_{cc}"  # Θ of O outputs as ntk_mode "diagonal"/"trace", "class" keep it


def plot_history(history, path, epochs=None):
    """Draws `history` (a ResponseProbe history) with `draw_history` and writes it to `path` as png.

    The file goes through a temporary file in the same folder and a rename, so a crash never leaves
    half a picture; the folder is created. Returns `path`.
    """
    figure = draw_history(history, epochs)
    return write_atomically(path, lambda fh: figure.savefig(fh, format="png"))


def draw_history(history, epochs=None):
    """The figure of `history`: two panels, returned as a matplotlib Figure.

    1. aging (log–log), over the measured epochs > 0: the response at x_o, Δ(x_o, x_o) from "step_o"
       (or "optimizer_step_o" when there is no "step"), and Θ(x_o, x_o) from "ntk_o", whichever were
       recorded. With O > 1 outputs the response vector is reduced to its Euclidean norm ‖Δ‖ and the
       O×O kernel block to its trace tr Θ. Non-positive values cannot sit on a log axis and are left out.
    2. response kernel K(x_o, x) = kind(x_o, x) / kind(x_o, x_o) against the distance from x_o, from
       "ntk" if recorded, else "step" or "optimizer_step", averaged over the probe points at each
       distance (over 10 equal-count distance bins when there are more than 20 distances), at up to
       5 roughly log-spaced measured epochs including the first and last, or at the measured epochs
       nearest to `epochs`. With O > 1 outputs, K = tr Θ(x_o, x) / tr Θ(x_o, x_o) for the kernel and
       K = ⟨Δ(x_o, x), Δ(x_o, x_o)⟩ / ‖Δ(x_o, x_o)‖² for a response, so that K(x_o, x_o) = 1 still.

    A missing "<kind>_o" (histories of older probes) is taken as the mean of the kind over the probe
    points at distance 0. Raises ValueError when the history has no epochs, no kind to draw, or no
    value at x_o.
    """
    measured = np.asarray(history.get("epoch", ()))
    if measured.size == 0:
        raise ValueError("the history has no measured epochs; fit the model with the probe first")
    kinds = [k for k in KERNEL_KINDS if k in history]
    if not kinds:
        raise ValueError(f"the history has none of {list(KERNEL_KINDS)} to draw; record one of them (kinds=...)")
    history, ntk_symbol = _ntk_as_drawn(history)
    at_o = {k: _at_x_o(history, k) for k in kinds}
    if all(v is None for v in at_o.values()):
        raise ValueError(f"the history has no value at x_o: no {[k + '_o' for k in kinds]} and no probe point at distance 0")
    rows = _kernel_rows(measured, epochs)
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(9.6, 3.9))
        FigureCanvasAgg(figure)
        aging_ax, kernel_ax = figure.subplots(1, 2)
        _aging_panel(aging_ax, history, at_o, ntk_symbol)
        _kernel_panel(kernel_ax, history, at_o, rows, ntk_symbol)
        figure.suptitle(f"training response ({int(measured[-1])} epochs, {len(history['distance'])} probe points)")
        figure.tight_layout()
    return figure


# Values at x_o ---------------------------------------------------------------------------------------


def _ntk_as_drawn(history):
    """(history, symbol): a part of Θ recorded with ntk_mode "diagonal", "trace" or "class" for O > 1
    outputs as one number per point, its trace Σ_a Θ_aa or Θ_cc of y_o's class c, with the mathtext symbol
    that names it; a full block or one output as recorded, with symbol None."""
    mode = str(history.get("ntk_mode", "full"))
    if "ntk" not in history or mode == "full" or np.ndim(history.get("f_o")) < 2:
        return history, None
    drawn = dict(history)
    for key in ("ntk", "ntk_o"):
        if key in history:
            values = np.asarray(history[key], dtype=np.float64)
            if mode == "diagonal":
                values = values.sum(axis=-1)
            elif mode == "class":
                values = values[..., class_of(history["y_o"])]
            drawn[key] = values
    return drawn, CLASS_THETA if mode == "class" else TRACE_THETA


def _at_x_o(history, kind):
    """The kind at x_o per measured epoch, (T,), (T, O) or (T, O, O); None when it cannot be had."""
    if kind + "_o" in history:
        return np.asarray(history[kind + "_o"], dtype=np.float64)
    origin = np.asarray(history["distance"]) == 0
    if not origin.any():
        return None
    return np.asarray(history[kind], dtype=np.float64)[:, origin].mean(axis=1)


def _reduce(values):
    """One number per epoch from a value at x_o: itself, a vector's norm, or an O×O block's trace."""
    if values.ndim == 1:
        return values
    if values.ndim == 2:
        return np.linalg.norm(values, axis=1)
    return np.trace(values, axis1=1, axis2=2)


def _aging_name(kind, multi, ntk_symbol=None):
    """The mathtext name of a kind's reduced value at x_o."""
    if kind == "ntk" and ntk_symbol:
        return rf"${ntk_symbol}(x_o, x_o)$"
    if kind == "ntk":
        return r"${\rm tr}\,\Theta(x_o, x_o)$" if multi else r"$\Theta(x_o, x_o)$"
    symbol = SYMBOL[kind]
    return rf"$\Vert {symbol}(x_o, x_o) \Vert$" if multi else rf"${symbol}(x_o, x_o)\,/\,(y_o - f(x_o))$"


# Panels ----------------------------------------------------------------------------------------------


def _aging_panel(ax, history, at_o, ntk_symbol):
    epochs = np.asarray(history["epoch"])
    shown = epochs > 0  # epoch 0 has no place on a log axis
    response = "step" if "step" in at_o else "optimizer_step"
    reductions = []
    for kind in (response, "ntk"):
        values = at_o.get(kind)
        if values is None:
            continue
        if kind == "ntk" and ntk_symbol:
            reductions.append("Θ of y_o's class" if ntk_symbol == CLASS_THETA else "trace of Θ")
        elif values.ndim > 1:
            reductions.append("trace of Θ" if kind == "ntk" else "norm of Δ over outputs")
        curve = _reduce(values)[shown]
        ax.plot(epochs[shown], np.where(curve > 0, curve, np.nan), marker="o", ms=2.5, lw=1.4, label=_aging_name(kind, values.ndim > 1, ntk_symbol))
    if not shown.any():
        ax.text(0.5, 0.5, "no epoch > 0 measured", transform=ax.transAxes, ha="center", va="center", color="0.4")
    else:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.legend(loc="best")
    ax.set_xlabel("epoch")
    ax.set_ylabel("value at $x_o$" + (f" ({', '.join(reductions)})" if reductions else ""))
    ax.set_title("aging")


def _kernel_panel(ax, history, at_o, rows, ntk_symbol):
    kind = next(k for k in KERNEL_KINDS if at_o.get(k) is not None)
    distance = np.asarray(history["distance"], dtype=np.float64)
    kernel = _kernel(np.asarray(history[kind], dtype=np.float64), at_o[kind])
    levels, groups = _distance_groups(distance)
    epochs = np.asarray(history["epoch"])
    colors = matplotlib.colormaps["viridis"](np.linspace(0, 0.9, len(rows)))
    for color, row in zip(colors, rows):
        means = [kernel[row, group].mean() for group in groups]
        ax.plot(levels, means, color=color, marker="o", ms=3, lw=1.2, label=f"epoch {int(epochs[row])}")
    ax.axhline(0, color="0.4", lw=0.8)
    whole = np.all(distance == np.round(distance))
    ax.set_xlabel("Hamming distance" if whole else r"mean $|x - x_o|$")
    ax.set_ylabel(_kernel_name(kind, at_o[kind].ndim > 1, ntk_symbol))
    ax.set_title("response kernel")
    ax.legend(loc="best")


def _kernel(values, at_o):
    """K(x_o, x) per epoch and probe point, (T, P): values (T, P[, O[, O]]) over their value at x_o."""
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero or NaN at x_o makes K NaN, not a warning
        if values.ndim == 2:
            return values / at_o[:, None]
        if values.ndim == 3:
            return np.einsum("tpo,to->tp", values, at_o) / np.sum(at_o**2, axis=1)[:, None]
        return np.trace(values, axis1=2, axis2=3) / np.trace(at_o, axis1=1, axis2=2)[:, None]


def _kernel_name(kind, multi, ntk_symbol=None):
    if kind == "ntk" and ntk_symbol:
        return rf"$K(x_o, x) = {ntk_symbol}(x_o, x)\,/\,{ntk_symbol}(x_o, x_o)$"
    symbol = SYMBOL[kind]
    if not multi:
        return rf"$K(x_o, x) = {symbol}(x_o, x)\,/\,{symbol}(x_o, x_o)$"
    if kind == "ntk":
        return r"$K(x_o, x) = {\rm tr}\,\Theta(x_o, x)\,/\,{\rm tr}\,\Theta(x_o, x_o)$"
    return rf"$K(x_o, x) = \langle {symbol}(x_o, x), {symbol}(x_o, x_o) \rangle\,/\,\Vert {symbol}(x_o, x_o) \Vert^2$"


def _distance_groups(distance):
    """(x positions, index arrays): the probe points grouped by equal distance, or, beyond
    MAX_DISTANCE_LEVELS distinct distances, in DISTANCE_BINS equal-count bins placed at their mean."""
    levels = np.unique(distance)
    if len(levels) <= MAX_DISTANCE_LEVELS:
        return levels, [np.flatnonzero(distance == level) for level in levels]
    groups = np.array_split(np.argsort(distance, kind="stable"), DISTANCE_BINS)
    return np.array([distance[g].mean() for g in groups]), groups


def _kernel_rows(measured, wanted):
    """Rows of the measured epochs to draw the kernel at: the nearest measured epoch to each wanted one,
    or by default up to MAX_DEFAULT_EPOCHS spread evenly in log(1 + epoch), first and last included."""
    if wanted is not None and np.size(wanted) == 0:
        raise ValueError("epochs=[] picks no epoch to draw the kernel at; give at least one, or None")
    if wanted is None:
        # 1 + epoch keeps epoch 0 (train begin) on the log scale.
        wanted = np.geomspace(1 + measured[0], 1 + measured[-1], min(MAX_DEFAULT_EPOCHS, len(measured))) - 1
    rows = [int(np.argmin(np.abs(measured - e))) for e in np.atleast_1d(wanted)]
    return sorted(set(rows))
