"""Every verdict threshold and minimum effect size, one table per claim family, fixed before any run and
never tuned to a result.

Each entry is a Band (verdicts.py): two regions of the deciding value, judged by its 95% interval over
runs. A directional or comparative criterion ("higher", "lower", "differs", "faster") also demands a
minimum effect: the smallest change a reader of the paper's figure would see, each stated below with
its reason. Significance is the interval's job (it must lie wholly past the effect), not a count of
standard errors.
"""

import math
from types import SimpleNamespace

from .verdicts import Band, above, at_least, at_most, below, outside, within

# Minimum effects ------------------------------------------------------------------------------------
# Aging exponents: the papers read exponents off log-log plots; over a fit window of two decades a slope
# 0.1 steeper ends 10^0.2 ≈ 1.6× lower, the least a reader sees as another slope. It is also the
# tolerance of "the same power law" (AGING.exponents_match), so two exponents are never both the same
# and different.
TAU_EFFECT = 0.1
# Log response sizes: a factor 1.5 (0.405 in natural log), about 5% of the height of the papers' log
# axes spanning 3-4 decades: the least gap a reader tells apart between two aging curves.
LOG_EFFECT = math.log(1.5)
# Kernel values, normalised to K(x_o) = 1: 5% of the 0-1 span of the papers' kernel plots.
KERNEL_EFFECT = 0.05
# Predictions (and normalised response sizes) in [0, 1]: 5% of the 0-1 span of the 2022 paper's Figs. 4-6.
PREDICTION_EFFECT = 0.05
# R² of a power-law fit: 0.05, the width of the "clear law" band above R2_CLEAR (0.95-1.0); a drop
# of that size takes a clear law to the edge of an unclear one.
R2_EFFECT = 0.05
# The averaged feature ⟨F⟩ relative to its value at epoch 0: 5%, the least change a reader sees on the
# 2024 paper's linear Fig. 6 axes.
FEATURE_EFFECT = 0.05
# A kernel slope against distance relative to the initial slope: 10%, two lines from K(x_o) = 1 whose
# slopes differ by a tenth end a tenth of their drop apart, the least divergence seen on Fig. 1's panels.
SLOPE_EFFECT = 0.10
# "Much faster" to a plateau: reached in at most half the epochs the reference needs; not faster at all
# (a ratio >= 1) is against the claim.
MUCH_FASTER = 0.5
# Settled at a constant: within a factor 1.1 of the curve's final value from then on (10%, a quarter
# of the smallest gap LOG_EFFECT a reader tells apart: what looks flat on the papers' log axes).
SETTLED = 1.1

# A share of responses (e.g. those below 0 in a shell): 5%, one response in 20, the least share a reader
# sees as a run of points below the axis of the 2024 paper's kernel plots.
SHARE_EFFECT = 0.05

# Monotone trends and straight lines ------------------------------------------------------------------
# Spearman rho of a monotone curve: |rho| at least this (strict enough that a hump is not one).
MONOTONE_RHO = 0.8
# A falling curve's rho on the wrong side of −WEAK_RHO: it does not fall.
WEAK_RHO = 0.5
# R² of a straight line (log-log for aging, linear in distance for kernels): a fit at least R2_CLEAR
# good is that line; worse than R2_NONE it is not.
R2_CLEAR, R2_NONE = 0.95, 0.80
# What counts as an S in one kernel (stats.s_shaped): falling as strongly as a monotone curve, with
# second differences below 0 near x_o and above 0 further out, each by more than this many s.e.
S_CURVATURE_ERRORS = 2.0
# An isolated response in an image kernel: farther than this many robust standard deviations from its bin's median.
ISOLATED_SPREAD = 5.0


def shift(direction, effect):
    """A difference (measured minus reference, or minus 0) judged against a minimum effect: "higher"
    beyond +effect, "lower" below −effect, "differs" farther than effect from 0; within it, the claimed
    effect is absent."""
    if direction == "higher":
        return Band(above(effect), at_most(effect), effect)
    if direction == "lower":
        return Band(below(-effect), at_least(-effect), effect)
    return Band(outside(effect), within(effect), effect)


AGING = SimpleNamespace(
    # tau > 0 with no margin: any decay is one; how clean a power law it is, is the R² bands' job.
    decays=Band(above(0), at_most(0)),
    # A clear power law: a log-log R² of at least R2_CLEAR; below R2_NONE it is none.
    clear=Band(at_least(R2_CLEAR), below(R2_NONE)),
    # "No clear power law": an R² short of the clear law's pass mark.
    unclear=Band(below(R2_CLEAR), at_least(R2_CLEAR)),
    # R² minus another figure's: lower by R2_EFFECT.
    less_clear=shift("lower", R2_EFFECT),
    # Log-log slope of the aging curve at its end: within ±0.1 of flat it has converged; below −0.5 it
    # is still decaying.
    plateau=Band(within(0.1), below(-0.5)),
    # "Continuous aging": that slope still below −0.1 (past the plateau's flat band); at −0.1 or above it has stopped.
    still_decaying=Band(below(-0.1), at_least(-0.1), 0.1),
    # f(x_o) kept off its binary target: the mean |y_o − f(x_o)| over the last decade above PREDICTION_EFFECT.
    target_unreached=shift("higher", PREDICTION_EFFECT),
    # |tau − tau_ref|: exponents this close are the same power law; more than 0.3 apart they are not.
    exponents_match=Band(at_most(TAU_EFFECT), above(0.3)),
    # Per-run exponents against another figure's runs.
    exponent_shift={d: shift(d, TAU_EFFECT) for d in ("higher", "lower", "differs")},
    # A decay's log drop against another figure's: lower (faster) by LOG_EFFECT.
    faster_drop=shift("lower", LOG_EFFECT),
    # The epoch a curve settles at over the reference's: at most MUCH_FASTER; not below 1 is not faster.
    faster_plateau=Band(at_most(MUCH_FASTER), at_least(1.0), MUCH_FASTER),
)

KERNEL = SimpleNamespace(
    # Spearman rho(distance, kernel): falling at MONOTONE_RHO; above −WEAK_RHO it does not fall.
    falls=Band(at_most(-MONOTONE_RHO), above(-WEAK_RHO)),
    # The smallest kernel value against 0: a sign claim, so no effect size; the interval must clear 0.
    positive=Band(at_least(0), below(0)),
    not_positive=Band(below(0), at_least(0)),
    # Distance of the kernel's peak at the last epoch: at least 1 bit away from x_o, or at x_o.
    peak_away=Band(at_least(1), at_most(0)),
    # Share of the trained kernel epochs with an S: present at half or more of them, absent at none.
    s_present=Band(at_least(0.5), at_most(0)),
    s_absent=Band(at_most(0), at_least(0.5)),
    # Worst R² of a straight line through the kernel over the trained kernel epochs.
    linear=Band(at_least(R2_CLEAR), below(R2_NONE)),
    # "Some isolated responses": the share of probe images farther than ISOLATED_SPREAD robust s.d. from their
    # distance bin's median (a normal spread puts 6e-7 there): at least 5 in 1,000 (a handful per run) is some;
    # below 1 in 1,000 (under one image per run) there are none.
    isolated=Band(at_least(0.005), below(0.001)),
    # "Not so clear linear": that R² short of a clear line's.
    unclear_line=Band(below(R2_CLEAR), at_least(R2_CLEAR)),
    # Spearman rho(epoch, |slope|) or rho(epoch, peak distance): a monotone trend at MONOTONE_RHO; the
    # opposite sign contradicts it.
    falling_trend=Band(at_most(-MONOTONE_RHO), above(0)),
    rising_trend=Band(at_least(MONOTONE_RHO), below(0)),
    # Every trained epoch's |slope| against the initial one, relative: steeper or shallower by SLOPE_EFFECT.
    slope_change={d: shift(d, SLOPE_EFFECT) for d in ("higher", "lower")},
    # The trained kernels' mean |slope| against another figure's, relative: smaller by SLOPE_EFFECT.
    slope_smaller=shift("lower", SLOPE_EFFECT),
    # Spearman rho(epoch, |K_e − K_0|): a drift that keeps growing; rho <= 0 is a kernel that settles.
    drift=Band(at_least(MONOTONE_RHO), at_most(0)),
    # Variability and the height near x_o against another figure's runs, in kernel units.
    shift={d: shift(d, KERNEL_EFFECT) for d in ("higher", "lower", "differs")},
)

DYNAMICS = SimpleNamespace(
    # Normalised size differences and group moves, in [0, 1] units.
    size_differs=shift("differs", PREDICTION_EFFECT),
    move=shift("higher", PREDICTION_EFFECT),
    # A group's mean prediction at the end past 0.5 on its own label's side, by PREDICTION_EFFECT.
    own_side=shift("higher", PREDICTION_EFFECT),
    # Log sizes against another variant's runs.
    aged_more=shift("lower", LOG_EFFECT),
    # x2's mean log-decay over x1's: "very limited" enhancement is at most half of x1's own aging.
    pair_limited=Band(at_most(0.5), above(0.5)),
    # Two sets' group means over training, the worst group's RMS gap: within PREDICTION_EFFECT the same course;
    # beyond twice that, another (the mean-field agreement's bounds).
    same_dynamics=Band(at_most(PREDICTION_EFFECT), above(2 * PREDICTION_EFFECT)),
)

MEANFIELD = SimpleNamespace(
    # Worst RMS between the model's and the network's group means (predictions in [0, 1]): within 0.05
    # the model follows them; beyond 0.10 it does not.
    agreement=Band(at_most(0.05), above(0.10)),
)

FEATURES = SimpleNamespace(
    # ⟨F⟩'s relative change over the run, by FEATURE_EFFECT. An exactly unchanged ⟨F⟩ (e.g. every
    # feature dead from the start) is no change either way: only a change the other way is against it.
    trend={
        "lower": Band(below(-FEATURE_EFFECT), above(0), FEATURE_EFFECT),
        "higher": Band(above(FEATURE_EFFECT), below(0), FEATURE_EFFECT),
    },
    # A delta function: f(x_o) at least 0.3 above the background f(distance >= 2) (below 0.1 there is no
    # spike), and f at distance 1 rising at most half of that (more than 0.8 of it: no narrow spike).
    spike=Band(at_least(0.3), below(0.1)),
    narrow=Band(at_most(0.5), above(0.8)),
    # A response-less network: Θ(x_o, x_o) at the last epoch over its untrained value (ensemble means) at most
    # 0.1, a decade down on the papers' log aging axes; at least 0.5 (not even halved), it still responds.
    response_less=Band(at_most(0.1), at_least(0.5)),
    # The surviving features "sensitive against x_o": of the features alive at the end, the share active at
    # x_o, at least 0.8 (the 2024 Fig. 7 claims' "almost all"); below 0.6, about the half of all features an
    # untrained network has active at any input, plus 0.1, they are not those of x_o.
    survivors_at_x_o=Band(at_least(0.8), below(0.6)),
    # Features "irreversibly lost": the dead fraction after turning to a clean task minus before, above
    # −SHARE_EFFECT (fewer than one feature in 20 comes back); at or below it, they return.
    irreversible=Band(above(-SHARE_EFFECT), at_most(-SHARE_EFFECT), SHARE_EFFECT),
)


THEORY = SimpleNamespace(
    # R² of the theory's response against the measured normalized step over the probe points, at the worst
    # trained kernel epoch (ensemble median): eq. (19) with no fitted constant, eq. (20) with its three; the
    # bands of a clear straight line (R2_CLEAR, R2_NONE), since both are linear in their terms.
    describes=Band(at_least(R2_CLEAR), below(R2_NONE)),
    # |log| of the fitted C1's ratio between the last and the first trained kernel epoch: "almost constant"
    # within a factor 1.5 (LOG_EFFECT, the least gap a reader tells apart on log axes), else it has changed.
    constant=Band(below(LOG_EFFECT), at_least(LOG_EFFECT)),
    # σ'(x)/σ'(x_o) at distance 1, minus 1: larger by KERNEL_EFFECT, the kernel's own least visible change
    # (the kernel at distance 1 is this ratio times the bracket's).
    sigma_larger=shift("higher", KERNEL_EFFECT),
    # The bracket of Θ (Θ/σ'σ'_o) at distance 1 over its value at x_o, minus 1: at most 0, the bracket alone
    # keeps the peak at x_o; above KERNEL_EFFECT, the bracket itself moves it.
    bracket_falls=Band(at_most(0), above(KERNEL_EFFECT), KERNEL_EFFECT),
    # Share of negative responses where x·x_o + 1 < 0, ReLU's minus ELU's: fewer by SHARE_EFFECT.
    fewer_negative=shift("lower", SHARE_EFFECT),
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
    "theory": THEORY,
}
