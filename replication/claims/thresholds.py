"""Every verdict threshold, one table per claim family, fixed before any run and never tuned to a result.

Each entry is a threshold object (verdicts.py): it decides the verdict and writes the criterion stored
with the claim, so the numbers here are the only place a threshold is stated.
"""

from types import SimpleNamespace

from .verdicts import All, Band, Outward, Shift, Sign, SShape, above, at_least, at_most, below, within

# A difference counts when it exceeds this many standard errors over replicas (about a two-sided 95%
# test for a normal mean): shared by every family, so no claim gets an easier bar than another.
SIGNIFICANCE = 2.0

# Spearman rho of a monotone curve: |rho| at least this (strict enough that a hump is not one).
MONOTONE_RHO = 0.8
# A falling curve's rho on the wrong side of −WEAK_RHO: it does not fall.
WEAK_RHO = 0.5

# R² of a straight line (log-log for aging, linear in distance for kernels): a fit at least R2_CLEAR
# good is that line; worse than R2_NONE it is not.
R2_CLEAR, R2_NONE = 0.95, 0.80

# tau > 0 with no margin: any decay is one; how clean a power law it is, is the R² bands' job.
_DECAYS = Band(above(0), at_most(0))

AGING = SimpleNamespace(
    # A clear power law: decaying, with a log-log R² of at least R2_CLEAR; below R2_NONE it is none.
    clear_power_law=All(_DECAYS, Band(at_least(R2_CLEAR), below(R2_NONE))),
    # "Decreasing but no clear power law": decaying, with an R² short of the clear law's pass mark.
    unclear_power_law=All(_DECAYS, Band(below(R2_CLEAR), at_least(R2_CLEAR))),
    # R² minus another figure's: the paper compares the two by eye, so point estimates, no margin.
    less_clear=Band(below(0), at_least(0)),
    # Log-log slope of the aging curve at its end: within ±0.1 of flat it has converged; below −0.5 it
    # is still decaying.
    plateau=Band(within(0.1), below(-0.5)),
    # |tau − tau_ref|: exponents this close are the same power law; more than 0.3 apart they are not.
    exponents_match=Band(at_most(0.1), above(0.3)),
    # Per-run exponents and decays against another figure's runs.
    shift=Shift(SIGNIFICANCE),
)

KERNEL = SimpleNamespace(
    # Spearman rho(distance, kernel): falling at MONOTONE_RHO; above −WEAK_RHO it does not fall.
    falls=Band(at_most(-MONOTONE_RHO), above(-WEAK_RHO)),
    # Kernel values against 0, each with its own standard error.
    sign=Sign(SIGNIFICANCE),
    # A peak leaves x_o only when it stands significantly above K(x_o) = 1.
    peak=Outward(SIGNIFICANCE),
    # An S: falling as strongly as `falls` demands, its curvature significant on both sides.
    s_shape=SShape(-MONOTONE_RHO, SIGNIFICANCE),
    # Share of the trained kernel epochs with an S: present at half or more of them, absent at none.
    s_present=Band(at_least(0.5), at_most(0)),
    s_absent=Band(at_most(0), at_least(0.5)),
    # Worst R² of a straight line through the kernel over the kernel epochs.
    linear=Band(at_least(R2_CLEAR), below(R2_NONE)),
    # Spearman rho(epoch, |slope|): a monotone trend at MONOTONE_RHO; the opposite sign contradicts it.
    slope_diminishing=Band(at_most(-MONOTONE_RHO), above(0)),
    slope_growing=Band(at_least(MONOTONE_RHO), below(0)),
    # Spearman rho(epoch, |K_e − K_0|): a drift that keeps growing; rho <= 0 is a kernel that settles.
    drift=Band(at_least(MONOTONE_RHO), at_most(0)),
    # Variability and the height near x_o against another figure's runs.
    shift=Shift(SIGNIFICANCE),
)

DYNAMICS = SimpleNamespace(
    # Size differences, log sizes and group moves, against another variant's runs or against no move.
    shift=Shift(SIGNIFICANCE),
    # x2's mean log-decay over x1's: "very limited" enhancement is at most half of x1's own aging.
    pair_limited=Band(at_most(0.5), above(0.5)),
)

MEANFIELD = SimpleNamespace(
    # Worst RMS between the model's and the network's group means (predictions in [0, 1]): within 0.05
    # the model follows them; beyond 0.10 it does not.
    agreement=Band(at_most(0.05), above(0.10)),
)

FEATURES = SimpleNamespace(
    # ⟨F⟩'s change over the run: an exactly unchanged ⟨F⟩ (e.g. every feature dead from the start) is no
    # change either way, so only a change the other way is against the claim.
    trend=Shift(SIGNIFICANCE, zero_fails=False),
    # A delta function: f(x_o) at least 0.3 above the background f(distance >= 2) (below 0.1 there is no
    # spike), and f at distance 1 rising at most half of that (more than 0.8 of it: no narrow spike);
    # without a spike the width is undefined, and fails.
    delta=All(Band(at_least(0.3), below(0.1)), Band(at_most(0.5), above(0.8), undefined="not reproduced")),
)


def dead_fraction(at_least_, fail_below):
    """The dead-fraction band: its numbers are set by each claim in the figure config (what "almost all"
    means there) and stored with it in the json."""
    return Band(at_least(at_least_), below(fail_below))


TABLES = {
    "aging law": AGING,
    "kernel shape": KERNEL,
    "pair and group dynamics": DYNAMICS,
    "mean-field": MEANFIELD,
    "feature space": FEATURES,
}
