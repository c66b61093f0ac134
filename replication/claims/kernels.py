"""Claims about the response kernel K(x_o, x) = Δ(x_o, x)/Δ(x_o, x_o): its shape against the distance
from x_o and how it changes along training. Checks return a Reading (verdicts.py).

Claims about the shape of a trained network's kernel read the trained kernel epochs only (e > 0);
claims about a change along training read the untrained kernel as their starting point.
"""

import numpy as np

from .. import stats
from .common import against_reference, choice, missing
from .thresholds import ISOLATED_SPREAD, KERNEL, MONOTONE_RHO, S_CURVATURE_ERRORS
from .verdicts import Reading, Test

NAN = float("nan")


def _kernel_at(data, params):
    """Distances, the kernel per replica at the kernel epochs (R, K, H), and those epochs."""
    rows = stats.epoch_rows(data["epoch"], data["kernel_epochs"])
    # The kernel at each epoch is its own, so only the kernel epochs' rows are computed.
    levels, k = stats.kernel(np.asarray(data[params.get("kind", "step")])[:, rows], data["distance"])
    return levels, k, [int(data["epoch"][r]) for r in rows]


def _mean(k):
    with np.errstate(all="ignore"):
        return np.mean(k, axis=0)


def _trained(epochs, max_epoch=np.inf):
    return [i for i, e in enumerate(epochs) if 0 < e <= max_epoch]


def check_kernel_decreasing(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    chosen = _trained(epochs, params.get("max_epoch", np.inf))
    mean = _mean(k)
    rho = [stats.spearman(levels, mean[i]) for i in chosen]
    # Falling at every tested epoch (the largest rho) to reproduce; not falling in most of them (the median) to fail.
    with np.errstate(all="ignore"):
        largest, median = (float(np.max(rho)), float(np.median(rho))) if rho else (NAN, NAN)
    criterion = "over the trained kernel epochs: " + KERNEL.falls.sentence(
        "Spearman rho(distance, kernel) at every tested epoch (the largest rho)", "the median rho over those epochs"
    )
    value = {"epochs": [epochs[i] for i in chosen], "spearman_rho": rho, "largest_rho": largest, "median_rho": median}
    quantity = "rank correlation of the ensemble-mean kernel with Hamming distance, per trained epoch"
    return Reading(quantity, value, criterion, (Test(KERNEL.falls, "largest_rho", "median_rho"),))


def _peaks(data, params):
    """Per kernel epoch, the distance of the ensemble-mean kernel's maximum (NaN where a value is not finite)."""
    levels, k, epochs = _kernel_at(data, params)
    mean = _mean(k)
    peaks = [float(levels[int(np.argmax(m))]) if np.all(np.isfinite(m)) else NAN for m in mean]
    return epochs, peaks


def check_peak_shift(data, params, reference=None):
    epochs, peaks = _peaks(data, params)
    value = {"epochs": epochs, "peak_distance": peaks, "last_peak_distance": peaks[-1] if peaks else NAN}
    criterion = "the peak has left x_o by the last kernel epoch: " + KERNEL.peak_away.sentence("the Hamming distance of the kernel's maximum")
    quantity = "Hamming distance of the ensemble-mean kernel's maximum at the last kernel epoch"
    return Reading(quantity, value, criterion, (Test(KERNEL.peak_away, "last_peak_distance"),))


def check_peak_trend(data, params, reference=None):
    epochs, peaks = _peaks(data, params)
    value = {"epochs": epochs, "peak_distance": peaks, "spearman_rho": stats.spearman(epochs, peaks)}
    criterion = "the peak moves away gradually: " + KERNEL.rising_trend.sentence("Spearman rho(epoch, distance of the kernel's maximum)")
    quantity = "Hamming distance of the ensemble-mean kernel's maximum, per kernel epoch"
    return Reading(quantity, value, criterion, (Test(KERNEL.rising_trend, "spearman_rho"),))


def check_kernel_sign(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    trained = _trained(epochs)
    mean = _mean(k[:, trained])
    band = KERNEL.positive if choice(params, "expect", ("positive", "not positive")) == "positive" else KERNEL.not_positive
    value = {"min_kernel": float(np.min(mean)) if mean.size and np.all(np.isfinite(mean)) else NAN}
    if mean.size and np.all(np.isfinite(mean)):
        lowest = np.unravel_index(np.argmin(mean), mean.shape)
        value.update(at_epoch=epochs[trained[lowest[0]]], at_distance=int(levels[lowest[1]]))
    criterion = band.sentence("the smallest ensemble-mean kernel value over distances and trained kernel epochs")
    quantity = "smallest ensemble-mean kernel value over distances and trained kernel epochs"
    return Reading(quantity, value, criterion, (Test(band, "min_kernel"),))


def check_s_curve(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    trained = _trained(epochs)
    defined = bool(trained) and len(k) > 0 and bool(np.all(np.isfinite(k[:, trained])))
    shaped = [stats.s_shaped(levels, k[:, i], -MONOTONE_RHO, S_CURVATURE_ERRORS) for i in trained] if defined else []
    share = float(np.mean(shaped)) if defined else NAN
    expect = bool(params["expect"])
    band = KERNEL.s_present if expect else KERNEL.s_absent
    criterion = (
        f"an S curve: the kernel decreases with distance (Spearman rho <= {-MONOTONE_RHO:g}), with second differences "
        f"below 0 near x_o and above 0 further out, each by more than {S_CURVATURE_ERRORS:g} s.e.; expected "
        f"{'present' if expect else 'absent'}: " + band.sentence("the share of trained kernel epochs with an S")
    )
    value = {"epochs": [epochs[i] for i in trained], "s_shaped": shaped, "s_share": share}
    return Reading("S shape of the ensemble-mean kernel against distance, per trained epoch", value, criterion, (Test(band, "s_share"),))


def _variability(data, params):
    """Per replica: mean |K_e(h) − K_0(h)| over distances and the trained kernel epochs."""
    levels, k, epochs = _kernel_at(data, params)
    return np.abs(k[:, _trained(epochs)] - k[:, :1]).mean(axis=(1, 2))


def check_kernel_variability(data, params, reference=None):
    if reference is None:
        return missing(params)
    expect = choice(params, "expect", tuple(KERNEL.shift))
    value = against_reference(data, params, reference, _variability, "variability")
    band = KERNEL.shift[expect]
    criterion = band.sentence(
        f"the kernel's change since epoch 0 (mean |K_e − K_0| over distances and trained kernel epochs) minus {params['reference']}'s ({expect})"
    )
    return Reading("kernel variability over epochs against " + params["reference"], value, criterion, (Test(band, "variability_difference"),))


def _near_kernel(data, params):
    """Per replica: the kernel averaged over distances 1..params['near'] and the trained kernel epochs."""
    levels, k, epochs = _kernel_at(data, params)
    near = (levels >= 1) & (levels <= params["near"])
    return k[:, _trained(epochs)][:, :, near].mean(axis=(1, 2))


def check_kernel_broader(data, params, reference=None):
    if reference is None:
        return missing(params)
    value = against_reference(data, params, reference, _near_kernel, "near_kernel")
    band = KERNEL.shift["higher"]
    criterion = "a broader peak: " + band.sentence(
        f"the kernel averaged over distances 1..{params['near']} (trained kernel epochs) minus {params['reference']}'s"
    )
    return Reading("kernel near x_o against " + params["reference"], value, criterion, (Test(band, "near_kernel_difference"),))


def _slopes_per_run(data, params):
    """Per replica: the mean |slope| of its own kernel's linear fit against distance over the trained kernel epochs."""
    levels, k, epochs = _kernel_at(data, params)
    trained = _trained(epochs)
    if not trained:
        return np.full(len(k), np.nan)
    slopes = stats.line_fits(levels, np.asarray(k)[:, trained])[0]
    return np.abs(np.reshape(slopes, (len(k), len(trained)))).mean(axis=1)


def check_kernel_slope_smaller(data, params, reference=None):
    if reference is None:
        return missing(params)
    value = against_reference(data, params, reference, _slopes_per_run, "slope")
    with np.errstate(all="ignore"):
        value["relative_slope_difference"] = value["slope_difference"] / abs(value["reference_slope"])
    band = KERNEL.slope_smaller
    criterion = "smaller slopes: " + band.sentence(
        f"(mean |slope| of the kernels' linear fits over trained kernel epochs − {params['reference']}'s) / {params['reference']}'s"
    )
    return Reading("|slope| of the kernel against distance against " + params["reference"], value, criterion, (Test(band, "relative_slope_difference"),))


def _lines(data, params):
    """Least-squares line of the ensemble-mean kernel against distance, per kernel epoch: (epochs, slopes, R²)."""
    levels, k, epochs = _kernel_at(data, params)
    return (epochs, *stats.line_fits(levels, _mean(k)))


def check_kernel_linear(data, params, reference=None):
    epochs, slopes, r2 = _lines(data, params)
    trained = _trained(epochs)
    worst = float(np.min([r2[i] for i in trained])) if trained else NAN
    criterion = KERNEL.linear.sentence("the R² of the kernel's linear fit against distance, at its worst trained kernel epoch,")
    value = {"epochs": [epochs[i] for i in trained], "r2": [r2[i] for i in trained], "worst_r2": worst}
    quantity = "R² of a straight line through the ensemble-mean kernel, per trained epoch"
    return Reading(quantity, value, criterion, (Test(KERNEL.linear, "worst_r2"),))


def _slope_direction(params):
    return choice(params, "expect", ("diminishing", "growing"))


def check_kernel_slope_trend(data, params, reference=None):
    epochs, slopes, _ = _lines(data, params)
    diminishing = _slope_direction(params) == "diminishing"
    band = KERNEL.falling_trend if diminishing else KERNEL.rising_trend
    criterion = f"the kernel's slope against distance {'diminishes' if diminishing else 'grows'} monotonically along the epochs: " + band.sentence(
        "Spearman rho(epoch, |slope|)"
    )
    value = {"epochs": epochs, "slope": slopes, "spearman_rho": stats.spearman(epochs, np.abs(slopes))}
    return Reading("|slope| of the kernel's linear fit against distance, per epoch", value, criterion, (Test(band, "spearman_rho"),))


def check_kernel_slope_change(data, params, reference=None):
    epochs, slopes, _ = _lines(data, params)
    diminishing = _slope_direction(params) == "diminishing"
    trained = _trained(epochs)
    with np.errstate(all="ignore"):
        change = [float(abs(slopes[i]) / abs(slopes[0]) - 1.0) for i in trained] if epochs and epochs[0] == 0 else []
    # The trained epoch nearest to no change decides: every one must have changed the claimed way.
    nearest = (float(np.max(change)) if diminishing else float(np.min(change))) if change else NAN
    band = KERNEL.slope_change["lower" if diminishing else "higher"]
    criterion = f"every trained kernel epoch's |slope| is {'shallower' if diminishing else 'steeper'} than the untrained one: " + band.sentence(
        f"the {'largest' if diminishing else 'smallest'} relative change |slope_e|/|slope_0| − 1 over trained epochs"
    )
    value = {"epochs": [epochs[i] for i in trained], "slope": [slopes[i] for i in trained], "relative_change": change, "nearest_change": nearest}
    if epochs:
        value["initial_slope"] = slopes[0]
    return Reading("|slope| of the kernel's linear fit against distance, trained epochs against epoch 0", value, criterion, (Test(band, "nearest_change"),))


def check_kernel_drift(data, params, reference=None):
    levels, k, epochs = _kernel_at(data, params)
    mean = _mean(k)
    drift = [float(np.abs(row - mean[0]).mean()) for row in mean]
    criterion = "kernels that keep changing (no convergence): " + KERNEL.drift.sentence("Spearman rho(epoch, |K_e − K_0|)")
    value = {"epochs": epochs, "drift": drift, "spearman_rho": stats.spearman(epochs, drift)}
    return Reading("mean |K_e − K_0| over distances, per kernel epoch", value, criterion, (Test(KERNEL.drift, "spearman_rho"),))


def _last_image_kernel(data, params):
    """The last kernel epoch and each run's probe-image distances and kernel there (R, P − 1)."""
    epoch = int(data["kernel_epochs"][-1])
    return (epoch, *stats.image_kernel(data, stats.epoch_rows(data["epoch"], [epoch])[0], params.get("kind", "step")))


def check_image_kernel_decreasing(data, params, reference=None):
    """The images' counterpart of kernel_decreasing: every replica has its own probe images and distances."""
    epoch, distance, k = _last_image_kernel(data, params)
    rho = [stats.spearman(*stats.binned_kernel(d, kk)) for d, kk in zip(distance, k)]
    median = float(np.median(rho)) if rho else NAN
    criterion = f"per run, the kernel averaged in {stats.IMAGE_DISTANCE_BINS} equal-count bins of image distance: " + KERNEL.falls.sentence(
        "the median Spearman rho(distance, kernel) over runs"
    )
    value = {"epoch": epoch, "median_spearman_rho": median, "spearman_rho": rho}
    quantity = "rank correlation of the binned kernel with the mean pixel distance, per run"
    return Reading(quantity, value, criterion, (Test(KERNEL.falls, "median_spearman_rho"),))


def check_image_kernel_not_linear(data, params, reference=None):
    """Per run, the R² of a straight line through the kernel in equal-count bins of image distance."""
    epoch, distance, k = _last_image_kernel(data, params)
    r2 = []
    for d, kk in zip(distance, k):
        x, y = stats.binned_kernel(d, kk)
        with np.errstate(all="ignore"):
            residual = y - np.polyval(np.polyfit(x, y, 1), x) if np.all(np.isfinite(y)) and np.all(np.isfinite(x)) else np.full_like(y, np.nan)
            r2.append(float(1 - np.sum(residual**2) / np.sum((y - y.mean()) ** 2)))
    median = float(np.median(r2)) if r2 and np.all(np.isfinite(r2)) else NAN
    criterion = f"per run, a straight line through the kernel in {stats.IMAGE_DISTANCE_BINS} equal-count bins of image distance: " + (
        KERNEL.unclear_line.sentence("the median R² over runs")
    )
    value = {"epoch": epoch, "median_r2": median, "r2": r2}
    quantity = "R² of a straight line through the binned kernel against the mean pixel distance, per run"
    return Reading(quantity, value, criterion, (Test(KERNEL.unclear_line, "median_r2"),))


def check_isolated_responses(data, params, reference=None):
    """Images whose kernel stands far from the others at about their distance from x_o."""
    epoch, distance, k = _last_image_kernel(data, params)
    shares = [stats.isolated_share(d, kk, ISOLATED_SPREAD) for d, kk in zip(distance, k)]
    mean = float(np.mean(shares)) if shares and np.all(np.isfinite(shares)) else NAN
    criterion = (
        f"per run, the share of probe images whose kernel lies farther than {ISOLATED_SPREAD:g} robust standard deviations "
        f"from the median of its bin ({stats.IMAGE_DISTANCE_BINS} equal-count bins of image distance): "
        + KERNEL.isolated.sentence("the mean share over runs")
    )
    value = {"epoch": epoch, "isolated_share": mean, "shares": [float(x) for x in shares]}
    quantity = "share of probe images with an isolated response, per run"
    return Reading(quantity, value, criterion, (Test(KERNEL.isolated, "isolated_share"),))
