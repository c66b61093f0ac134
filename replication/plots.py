"""One plotting style for every figure: panels are drawn by name from the figure's config."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from replication import analysis  # noqa: E402

STYLE = {
    "figure.dpi": 110,
    "font.size": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}


def _aging_panel(ax, fig, data, summary, claims):
    epochs = data["epoch"]
    per_replica = analysis.aging(data[fig.probe["aging_kind"]], data["distance"])
    shown = epochs > 0  # epoch 0 has no place on a log axis
    for curve in per_replica:
        ax.plot(epochs[shown], np.where(curve[shown] > 0, curve[shown], np.nan), color="0.75", lw=0.6)
    mean, sem = summary["aging_mean"][shown], summary["aging_sem"][shown]
    ax.fill_between(epochs[shown], np.maximum(mean - sem, 1e-12), mean + sem, color="C0", alpha=0.25, lw=0)
    ax.plot(epochs[shown], mean, color="C0", lw=1.8, label=f"mean of {len(per_replica)} runs")
    for claim in claims:
        if claim["test"] == "power_law" and np.isfinite(claim["value"]["tau"]):
            fit = claim["value"]
            e = np.geomspace(max(fit["window"][0], 1), fit["window"][1], 50)
            ax.plot(e, fit["prefactor"] * e ** -fit["tau"], "k--", lw=1.2, label=f"fit τ = {fit['tau']:.2f}, R² = {fit['r2']:.3f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"$\Delta(x_o, x_o)\,/\,(y_o - f(x_o))$")
    ax.set_title("aging")
    ax.legend(loc="lower left")


def _kernel_panel(ax, fig, data, summary, claims):
    levels = summary["kernel_distance"]
    epochs = list(data["kernel_epochs"])
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(epochs)))
    for color, epoch, mean, sem in zip(colors, epochs, summary["kernel_mean"], summary["kernel_sem"]):
        ax.errorbar(levels, mean, yerr=sem, color=color, marker="o", ms=3, lw=1.2, capsize=2, label=f"e = {epoch}")
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set_xlabel(r"Hamming distance $|x_o - x|$")
    ax.set_ylabel(r"$K(x_o, x) = \Delta(x_o, x)\,/\,\Delta(x_o, x_o)$")
    ax.set_title("response kernel")
    ax.legend(loc="best")


PANELS = {"aging": _aging_panel, "kernel": _kernel_panel}


def plot_figure(fig, data, summary, claims, path):
    """Draws the figure's panels side by side, with its verdicts underneath, and saves a png."""
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(1, len(fig.panels), figsize=(4.6 * len(fig.panels), 4.0), squeeze=False)
        for ax, panel in zip(axes[0], fig.panels):
            PANELS[panel](ax, fig, data, summary, claims)
        replicas = len(data[fig.probe["aging_kind"]])
        figure.suptitle(f"{fig.id}: {fig.title} ({replicas} runs, {int(data['epoch'][-1])} epochs)")
        verdicts = "\n".join(f"{c['verdict']}: {c['claim']}" for c in claims)
        figure.text(0.01, 0.01, verdicts, fontsize=7, va="bottom", ha="left", color="0.25")
        figure.tight_layout(rect=(0, 0.04 + 0.025 * len(claims), 1, 1))
        figure.savefig(path, format="png")
        plt.close(figure)
