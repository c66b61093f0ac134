"""Claims about the response kernel K(x_o, x) = Δ(x_o, x)/Δ(x_o, x_o): its shape against the distance
from x_o and how it changes along training. Checks return (quantity, value, criterion, verdict)."""

import numpy as np

from .. import stats
from .common import against_reference, choice, missing
from .thresholds import KERNEL
from .verdicts import DIRECTIONS


def _kernel_at(data, params):
    """Distances, the kernel per replica at the kernel epochs (R, K, H), and those epochs."""
    levels, k = stats.kernel(data[params.get("kind", "step")], data["distance"])
    rows = stats.epoch_rows(data["epoch"], data["kernel_epochs"])
    return levels, k[:, rows], [int(data["epoch"][r]) for r in rows]


def _trained(epochs):
    return [i for i, e in enumerate(epochs) if e > 0]


def check_kernel_decreasing(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    chosen = [i for i, e in enumerate(epochs) if e <= params.get("max_epoch", np.inf)]
    mean, _ = stats.mean_sem(k)
    rho = [stats.spearman(levels, mean[i]) for i in chosen]
    # Falling at every tested epoch (the largest rho) to reproduce; not falling in most of them (the median) to fail.
    largest, median = (float(np.max(rho)), float(np.median(rho))) if rho else (np.nan, np.nan)
    criterion = KERNEL.falls.sentence("Spearman rho(distance, kernel) at every tested epoch", "the median rho over those epochs")
    value = {"epochs": [epochs[i] for i in chosen], "spearman_rho": rho}
    quantity = "rank correlation of the ensemble-mean kernel with Hamming distance, per epoch"
    return quantity, value, criterion, KERNEL.falls.verdict(largest, median)


def check_peak_shift(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    mean, sem = stats.mean_sem(k)
    peak_rows = [int(np.argmax(m)) for m in mean]
    excess = [float(mean[i, j] - 1.0) for i, j in enumerate(peak_rows)]
    shifted = [int(levels[j]) if KERNEL.peak.counts(excess[i], sem[i, j]) else 0 for i, j in enumerate(peak_rows)]
    value = {"epochs": epochs, "peak_distance": shifted, "peak_excess_over_x_o": excess}
    quantity = "Hamming distance of the ensemble-mean kernel's maximum, per epoch"
    return quantity, value, KERNEL.peak.sentence("the kernel's peak"), KERNEL.peak.verdict(shifted)


def check_kernel_sign(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    mean, sem = stats.mean_sem(k)
    lowest = np.unravel_index(np.argmin(mean), mean.shape)
    criterion = KERNEL.sign.sentence("the ensemble-mean kernel over distances and plotted epochs", params["expect"])
    value = {
        "min_kernel": float(mean[lowest]),
        "min_kernel_sem": float(sem[lowest]),
        "at_epoch": epochs[lowest[0]],
        "at_distance": int(levels[lowest[1]]),
    }
    quantity = "smallest ensemble-mean kernel value over distances and plotted epochs"
    return quantity, value, criterion, KERNEL.sign.verdict(mean, sem, params["expect"])


def check_s_curve(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    trained = _trained(epochs)
    shaped = [KERNEL.s_shape.holds(levels, k[:, i]) for i in trained]
    share = float(np.mean(shaped)) if shaped else float("nan")
    expect = bool(params["expect"])
    band = KERNEL.s_present if expect else KERNEL.s_absent
    criterion = f"{KERNEL.s_shape}; expected {'present' if expect else 'absent'}: " + band.sentence(
        "the share of trained kernel epochs with an S"
    )
    value = {"epochs": [epochs[i] for i in trained], "s_shaped": shaped}
    return "S shape of the ensemble-mean kernel against distance, per trained epoch", value, criterion, band.verdict(share)


def _variability(data, params):
    """Per replica: mean |K_e(h) − K_0(h)| over distances and the trained kernel epochs."""
    levels, k, epochs = _kernel_at(data, params)
    return np.abs(k[:, _trained(epochs)] - k[:, :1]).mean(axis=(1, 2))


def check_kernel_variability(data, params, reference=None):
    if reference is None:
        return missing(params)
    expect = choice(params, "expect", DIRECTIONS)
    value, verdict = against_reference(data, params, reference, _variability, "variability", KERNEL.shift, expect)
    criterion = KERNEL.shift.sentence(
        "the kernel's change since epoch 0 (mean |K_e − K_0| over distances and kernel epochs)", expect, params["reference"]
    )
    return "kernel variability over epochs against " + params["reference"], value, criterion, verdict


def _near_kernel(data, params):
    """Per replica: the kernel averaged over distances 1..params['near'] and the trained kernel epochs."""
    levels, k, epochs = _kernel_at(data, params)
    near = (levels >= 1) & (levels <= params["near"])
    return k[:, _trained(epochs)][:, :, near].mean(axis=(1, 2))


def check_kernel_broader(data, params, reference=None):
    if reference is None:
        return missing(params)
    value, verdict = against_reference(data, params, reference, _near_kernel, "near_kernel", KERNEL.shift, "higher")
    criterion = "a broader peak: " + KERNEL.shift.sentence(
        f"the kernel averaged over distances 1..{params['near']} (trained kernel epochs)", "higher", params["reference"]
    )
    return "kernel near x_o against " + params["reference"], value, criterion, verdict


def _lines(data, params):
    """Least-squares line of the ensemble-mean kernel against distance, per kernel epoch: (epochs, slopes, R²)."""
    levels, k, epochs = _kernel_at(data, params)
    mean, _ = stats.mean_sem(k)
    return (epochs, *stats.line_fits(levels, mean))


def check_kernel_linear(data, params, reference=None):
    epochs, slopes, r2 = _lines(data, params)
    criterion = KERNEL.linear.sentence("the R² of the kernel's linear fit against distance, at its worst kernel epoch,")
    quantity = "R² of a straight line through the ensemble-mean kernel, per epoch"
    return quantity, {"epochs": epochs, "r2": r2}, criterion, KERNEL.linear.verdict(min(r2))


def check_kernel_slope_trend(data, params, reference=None):
    epochs, slopes, _ = _lines(data, params)
    rho = stats.spearman(epochs, np.abs(slopes))
    diminishing = choice(params, "expect", ("diminishing", "growing")) == "diminishing"
    band = KERNEL.slope_diminishing if diminishing else KERNEL.slope_growing
    criterion = f"the kernel's slope against distance {'diminishes' if diminishing else 'grows'} along the epochs: " + band.sentence(
        "Spearman rho(epoch, |slope|)"
    )
    value = {"epochs": epochs, "slope": slopes, "spearman_rho": rho}
    return "|slope| of the kernel's linear fit against distance, per epoch", value, criterion, band.verdict(rho)


def check_kernel_drift(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    mean, _ = stats.mean_sem(k)
    drift = [float(np.abs(row - mean[0]).mean()) for row in mean]
    rho = stats.spearman(epochs, drift)
    criterion = "kernels that keep changing (no convergence): " + KERNEL.drift.sentence("Spearman rho(epoch, |K_e − K_0|)")
    value = {"epochs": epochs, "drift": drift, "spearman_rho": rho}
    return "mean |K_e − K_0| over distances, per kernel epoch", value, criterion, KERNEL.drift.verdict(rho)


def check_image_kernel_decreasing(data, params, reference=None):
    """The images' counterpart of kernel_decreasing: every replica has its own probe images and distances."""
    epoch = int(data["kernel_epochs"][-1])
    distance, k = stats.image_kernel(data, stats.epoch_rows(data["epoch"], [epoch])[0], params.get("kind", "step"))
    rho = [stats.spearman(*stats.binned_kernel(d, kk)) for d, kk in zip(distance, k)]
    median = float(np.median(rho))
    criterion = f"per run, the kernel averaged in {stats.IMAGE_DISTANCE_BINS} equal-count bins of image distance: " + KERNEL.falls.sentence(
        "the median Spearman rho(distance, kernel) over runs"
    )
    value = {"epoch": epoch, "median_spearman_rho": median, "spearman_rho": rho}
    return "rank correlation of the binned kernel with the mean pixel distance, per run", value, criterion, KERNEL.falls.verdict(median)
