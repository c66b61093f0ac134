"""One plotting style for every figure: panels are drawn by name from the figure's config."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from training_response.plot import STYLE  # noqa: E402
from . import stats  # noqa: E402


AGING_LABEL = {"step": r"$\Delta(x_o, x_o)\,/\,(y_o - f(x_o))$", "ntk": r"$\Theta(x_o, x_o)$"}
KERNEL_LABEL = {
    "step": r"$K(x_o, x) = \Delta(x_o, x)\,/\,\Delta(x_o, x_o)$",
    "ntk": r"$K(x_o, x) = \Theta(x_o, x)\,/\,\Theta(x_o, x_o)$",
}


def _aging_panel(ax, fig, data, summary, claims):
    epochs = data["epoch"]
    per_replica = stats.aging(data[fig.probe["aging_kind"]], data["distance"])
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
    ax.set_ylabel(AGING_LABEL[fig.probe["aging_kind"]])
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
    ax.set_ylabel(KERNEL_LABEL[fig.probe["aging_kind"]])
    ax.set_title("response kernel")
    ax.legend(loc="best")


def _aging_overlay_panel(ax, panel, runs, references, summaries, claims):
    """Aging curves of several variants on one log-log axis, with the networks' ensemble-mean aging
    (from referenced figures) rescaled to meet the first curve at `match_epoch`: only shapes compare."""
    first = None
    for label in panel["variants"]:
        data = runs[label]
        curve = stats.aging(data["step"], data["distance"]).mean(axis=0)
        shown = data["epoch"] > 0
        ax.plot(data["epoch"][shown], curve[shown], lw=1.6, label=panel["labels"][label])
        if first is None:
            first = (data["epoch"], curve)
    match = panel.get("match_epoch")
    for i, ref in enumerate(panel.get("references", ())):
        if ref not in references or first is None:
            continue
        data = references[ref][""]
        curve = stats.aging(data["step"], data["distance"]).mean(axis=0)
        common = set(first[0]) & set(data["epoch"])
        at = match if match in common else max(common)  # short runs end before match_epoch
        row, ref_row = list(first[0]).index(at), list(data["epoch"]).index(at)
        scaled = curve * first[1][row] / curve[ref_row]
        shown = data["epoch"] > 0
        ax.plot(data["epoch"][shown], scaled[shown], ls="--", color=f"C{7 + i}", lw=1.2, label=f"network, {ref} (rescaled)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(panel.get("ylabel", AGING_LABEL["step"]))
    ax.set_title(panel["title"])
    ax.legend(loc="lower left", fontsize=7)


def _kernel_overlay_panel(ax, panel, runs, references, summaries, claims):
    """Ensemble-mean kernels of several variants at one epoch (the last kernel epoch ≤ `epoch`)."""
    for i, label in enumerate(panel["variants"]):
        data = runs[label]
        levels, k = stats.kernel(data["step"], data["distance"])
        shown = [e for e in data["kernel_epochs"] if e <= panel["epoch"]][-1]
        mean, sem = stats.mean_sem(k[:, list(data["epoch"]).index(shown)])
        ax.errorbar(levels, mean, yerr=sem, color=f"C{i}", marker="o", ms=3, lw=1.2, capsize=2, label=f"{panel['labels'][label]} (e = {shown})")
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set_xlabel(r"Hamming distance $|x_o - x|$")
    ax.set_ylabel(KERNEL_LABEL["step"])
    ax.set_title(panel["title"])
    ax.legend(loc="best", fontsize=7)


def _feature_overlay_panel(ax, panel, runs, references, summaries, claims):
    """⟨F_i⟩ against epoch for several variants (mean ± s.e. over runs); with `dead`, the fraction of
    dead features on a second axis."""
    for i, label in enumerate(panel["variants"]):
        data = runs[label]
        mean, sem = stats.mean_sem(data["feature_mean"])
        shown = data["epoch"] > 0
        e = data["epoch"][shown]
        ax.plot(e, mean[shown], color=f"C{i}", lw=1.6, label=panel["labels"][label])
        ax.fill_between(e, (mean - sem)[shown], (mean + sem)[shown], color=f"C{i}", alpha=0.2, lw=0)
    ax.set_xscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"$\langle F_i \rangle$ (features × all inputs)")
    ax.set_title(panel["title"])
    if panel.get("dead"):
        twin = ax.twinx()
        for i, label in enumerate(panel["variants"]):
            data = runs[label]
            shown = data["epoch"] > 0
            twin.plot(data["epoch"][shown], data["dead_fraction"].mean(axis=0)[shown], color=f"C{i}", ls=":", lw=1.4)
        twin.set_ylabel("dead features (dotted)")
        twin.set_ylim(0, 1)
    ax.legend(loc="best", fontsize=7)


def _prediction_panel(ax, panel, runs, references, summaries, claims):
    """The prediction f(x) at the last epoch over every probe point against its distance from x_o:
    every run's points (grey) and the mean per shell."""
    data = runs[panel["variant"]]
    final = data["output"][:, -1]
    jitter = np.random.default_rng(0).uniform(-0.15, 0.15, final.shape)
    ax.scatter((data["distance"][None] + jitter).ravel(), final.ravel(), s=2, color="0.7", label="each run and input")
    levels, shells = stats.shell_means(data["output"][:, -1:], data["distance"])
    mean, sem = stats.mean_sem(shells[:, 0])
    ax.errorbar(levels, mean, yerr=sem, color="C3", marker="o", ms=4, lw=1.5, capsize=2, label="mean per shell")
    ax.set_xlabel(r"Hamming distance $|x_o - x|$")
    ax.set_ylabel(f"f(x) after {int(data['epoch'][-1])} epochs")
    ax.set_title(panel["title"])
    ax.legend(loc="best", fontsize=7)


def _pair_difference_panel(ax, panel, runs, references, summaries, claims):
    """Two-point training: x2's normalized response size minus x1's, every run at every measured epoch."""
    data = runs[panel["variant"]]
    difference = stats.pair_size_difference(data)
    shown = data["epoch"] > 0
    epochs = np.broadcast_to(data["epoch"][shown], difference[:, shown].shape)
    ax.scatter(epochs.ravel(), difference[:, shown].ravel(), s=3, color="C0", alpha=0.5, lw=0, label=f"{len(difference)} runs")
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(r"$\hat\Delta(x_2, x_2) - \hat\Delta(x_1, x_1)$ (normalized at e = 0)")
    ax.set_title(panel["title"])
    ax.legend(loc="best", fontsize=7)


def _group_trajectories_panel(ax, panel, runs, references, summaries, claims):
    """Mean prediction per group: each run light, the mean over runs bold, the mean-field model dashed."""
    data, summary = runs[panel["variant"]], summaries[panel["variant"]]
    per_run = stats.group_trajectories(data)
    shown = data["epoch"] > 0
    epochs = data["epoch"][shown]
    for g, (name, color) in enumerate(zip(panel["groups"], panel["colors"])):
        for run in per_run[:, shown, g]:
            ax.plot(epochs, run, color=color, alpha=0.2, lw=0.6)
        ax.plot(epochs, summary["group_output_mean"][shown, g], color=color, lw=2.2, label=name)
        if panel.get("meanfield"):
            label = "mean-field model (eq. 11)" if g == 0 else None
            ax.plot(epochs, summary["meanfield_mean"][shown, g], color=color, ls="--", lw=1.4, label=label)
    ax.set_xscale("log")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("epoch")
    ax.set_ylabel("prediction f (group mean)")
    ax.set_title(panel["title"])
    ax.legend(loc="best", fontsize=7)


def _aging_runs_panel(ax, panel, runs, references, summaries, claims):
    """The aging curve of every run in its own colour, with the power-law fit of their mean."""
    data = runs[panel["variant"]]
    curves = stats.aging(data["step"], data["distance"])
    shown = data["epoch"] > 0
    colors = plt.cm.tab20(np.linspace(0, 1, len(curves)))
    for color, curve in zip(colors, curves):
        ax.plot(data["epoch"][shown], np.where(curve[shown] > 0, curve[shown], np.nan), color=color, lw=0.9)
    fits = [c["value"] for c in claims if c["test"] == "power_law" and c["parameters"].get("variant", "") == panel["variant"]]
    for fit in (f for f in fits if np.isfinite(f["tau"])):
        e = np.geomspace(max(fit["window"][0], 1), fit["window"][1], 50)
        ax.plot(e, fit["prefactor"] * e ** -fit["tau"], "k--", lw=1.4, label=f"fit of the mean: τ = {fit['tau']:.2f}, R² = {fit['r2']:.3f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(AGING_LABEL["step"])
    ax.set_title(panel["title"])
    if fits:
        ax.legend(loc="lower left", fontsize=7)


def _image_kernel_panel(ax, panel, runs, references, summaries, claims):
    """Every probe image's kernel against its mean pixel distance from x_o, one colour per run."""
    data = runs[panel["variant"]]
    epoch = int(data["kernel_epochs"][-1])
    distance, k = stats.image_kernel(data, list(data["epoch"]).index(epoch))
    colors = plt.cm.tab20(np.linspace(0, 1, len(k)))
    for color, d, kk in zip(colors, distance, k):
        ax.scatter(d, kk, s=2, color=color, alpha=0.6, lw=0)
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set_xlabel(r"mean pixel distance $\langle|x_o - x|\rangle$")
    ax.set_ylabel(KERNEL_LABEL["step"])
    ax.set_title(f"{panel['title']} (e = {epoch})")


def _theory_fit_panel(ax, fig, data, summary, claims):
    """The ensemble-median R² of eqs. (19) and (20) against the measured normalized step, per epoch, with
    the interquartile range over runs."""
    shown = data["epoch"] > 0
    for key, label in (("eq19_r2", "eq. (19), no fitted constant"), ("eq20_r2", "eq. (20), C0-C2 fitted")):
        low, median, high = np.nanpercentile(np.asarray(data[key], np.float64)[:, shown], (25, 50, 75), axis=0)
        ax.fill_between(data["epoch"][shown], low, high, alpha=0.25, lw=0)
        ax.plot(data["epoch"][shown], median, lw=1.6, label=label)
    ax.set_xscale("log")
    ax.set_ylim(min(0.0, ax.get_ylim()[0]), 1.02)
    ax.set_xlabel("epoch")
    ax.set_ylabel("R² against the measured response")
    ax.set_title("theory against the response")
    ax.legend(loc="lower left")


def _per_shell_panel(ax, data, key, ylabel, title, average=np.nanmedian):
    """An ensemble average per Hamming shell (R, T, H) at each kernel epoch."""
    levels = np.unique(data["distance"])
    rows = stats.epoch_rows(data["epoch"], data["kernel_epochs"])
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(rows)))
    for color, row in zip(colors, rows):
        ax.plot(levels, average(np.asarray(data[key], np.float64)[:, row], axis=0), color=color, marker="o", ms=3, lw=1.2, label=f"e = {data['epoch'][row]}")
    ax.set_xlabel(r"Hamming distance $|x_o - x|$")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="best")


def _sigma_ratio_panel(ax, fig, data, summary, claims):
    _per_shell_panel(ax, data, "sigma_ratio", r"median $\sigma'(x)\,/\,\sigma'(x_o)$", "the output's slope against x_o's")
    ax.set_yscale("log")
    ax.axhline(1, color="0.4", lw=0.8)


def _negative_share_panel(ax, fig, data, summary, claims):
    _per_shell_panel(ax, data, "negative_share", "mean share of responses < 0", "negative responses", np.nanmean)
    bits = np.asarray(data["x_o"]).shape[-1]
    ax.axvline((bits + 1) / 2, color="0.4", lw=0.8, ls="--")  # beyond it x·x_o + 1 < 0


PANELS = {
    "aging": _aging_panel,
    "kernel": _kernel_panel,
    "theory_fit": _theory_fit_panel,
    "sigma_ratio": _sigma_ratio_panel,
    "negative_share": _negative_share_panel,
}
FIGURE_PANELS = {
    "aging_overlay": _aging_overlay_panel,
    "kernel_overlay": _kernel_overlay_panel,
    "feature_overlay": _feature_overlay_panel,
    "prediction": _prediction_panel,
    "pair_difference": _pair_difference_panel,
    "group_trajectories": _group_trajectories_panel,
    "aging_runs": _aging_runs_panel,
    "image_kernel": _image_kernel_panel,
}


def _verdict_text(figure, claims):
    verdicts = "\n".join(
        f"{c['verdict']}: {c['claim']}" + (f" [{c['parameters']['variant']}]" if c["parameters"].get("variant") else "")
        for c in claims
    )
    figure.text(0.01, 0.01, verdicts, fontsize=7, va="bottom", ha="left", color="0.25")


def _size(fig, runs):
    """What the run measured, for the title: runs per trained ensemble (none for the simplified system,
    which is one deterministic iteration) and epochs."""
    trained = {stats.replica_count(data) for data in runs.values()} if fig.kind != "simplified" else set()
    epochs = int(next(iter(runs.values()))["epoch"][-1])
    counts = "/".join(str(n) for n in sorted(trained))
    return f"{counts} runs, {epochs} epochs" if trained else f"{epochs} epochs"


def plot_figure(fig, runs, summaries, claims, file, references=None):
    """Draws the figure and its verdicts underneath, as a png. Named panels ("aging", "kernel")
    are drawn side by side, one row per variant; panels given as dicts ("aging_overlay") each draw
    several variants on one axis, in one row. `runs` and `summaries` map variant labels to arrays; `file`
is a path or a binary file."""
    references = references or {}
    variants = fig.variant_configs()
    overlays = [p for p in fig.panels if isinstance(p, dict)]
    rows, cols = (1, len(overlays)) if overlays else (len(variants), len(fig.panels))
    # The verdicts get their own strip under the panels, one line each.
    panels_height, text_height = 3.8 * rows, 0.35 + 0.13 * len(claims)
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(rows, cols, figsize=(max(4.6 * cols, 9.0), panels_height + text_height), squeeze=False)
        if overlays:
            for ax, panel in zip(axes[0], overlays):
                FIGURE_PANELS[panel["panel"]](ax, panel, runs, references, summaries, claims)
        else:
            for row, (label, variant) in enumerate(variants):
                mine = [c for c in claims if c["parameters"].get("variant", "") == label]
                for ax, panel in zip(axes[row], fig.panels):
                    PANELS[panel](ax, variant, runs[label], summaries[label], mine)
                    if label:
                        ax.set_title(f"{ax.get_title()}: {label}")
        changed = f"; settings changed: {', '.join(f'{k}={v}' for k, v in fig.settings.items())}" if fig.settings else ""
        figure.suptitle(f"{fig.id}: {fig.title} ({_size(fig, runs)}{changed})")
        _verdict_text(figure, claims)
        figure.tight_layout(rect=(0, text_height / (panels_height + text_height), 1, 1))
        figure.savefig(file, format="png")
        plt.close(figure)


def draw_sweep(record, file):
    """τ with its 95% interval against the first swept key, one line per value of the other keys."""
    names = [name for name, _ in record["grid"]]
    ticks = record["grid"][0][1]
    numeric = all(_is_number(v) for v in ticks)
    position = {v: (float(v) if numeric else i) for i, v in enumerate(ticks)}
    lines = {}
    for row in record["points"]:
        if row.get("tau") is None:
            continue
        label = ", ".join(f"{n}={row['settings'][n]}" for n in names[1:])
        lines.setdefault(label, []).append(row)
    with plt.rc_context(STYLE):
        figure, ax = plt.subplots(figsize=(6.4, 4.4))
        for label, rows in lines.items():
            rows = sorted(rows, key=lambda r: position[r["settings"][names[0]]])
            x = [position[r["settings"][names[0]]] for r in rows]
            tau = np.array([r["tau"] for r in rows], float)
            ci = np.array([r.get("tau_ci95") or [t, t] for r, t in zip(rows, tau)], float)
            ax.errorbar(x, tau, yerr=[tau - ci[:, 0], ci[:, 1] - tau], marker="o", capsize=3, label=label or None)
        if numeric and min(position.values()) > 0 and max(position.values()) / min(position.values()) >= 10:
            ax.set_xscale("log")
        ax.set_xticks(list(position.values()), list(position))
        ax.minorticks_off()
        ax.set_xlabel(names[0])
        ax.set_ylabel("aging exponent τ (95% interval)")
        if any(lines):
            ax.legend(fontsize=8)
        ax.set_title(f"{record['figure']}: τ over {' × '.join(names)} ({record['replicas']} runs, {record['epochs']} epochs)", fontsize=9)
        figure.tight_layout()
        figure.savefig(file, format="png")
        plt.close(figure)


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True
