"""Data that are not finite numbers never decide a claim: for every check in claims.CHECKS, measured
arrays holding NaN (all of them, one run, or one epoch), +inf or −inf (one entry), or no runs at all
give an undefined verdict through evaluate_claims, never reproduced or not reproduced, and never an
exception.

Each check starts from two of its own finite cases (one reproducing, one not: test_claim_checks.py's
builders), and the corruption lands on what its deciding value reads (the epochs and entries named in
CASES; a NaN at an epoch outside a claim's fit window is no part of its measurement). Comparisons are
corrupted on either side: the figure's runs or the reference's. A seeded parametrization covers every
check with every kind of corruption; hypothesis then varies where it lands (derandomized, so every run
of the suite tries the same examples).
"""

import math
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.test_claim_checks import (
    DECAY,
    LINE,
    MOVE_UP,
    MOVING,
    NARROW,
    NEGATIVE,
    RISING,
    SHRINKING,
    SIGMOID,
    SPREAD,
    STEADY,
    BROAD,
    THEORY_TRAINED,
    _aging_run,
    _dead,
    _decay_run,
    _drifting_kernels,
    _drifts,
    _exponential,
    _features,
    _groups,
    _images,
    _judge,
    _kernel_run,
    _pair,
    _peaked,
    _predictions,
    _run_slopes,
    _sides,
    _slopes,
    _tau_run,
    _theory,
    _targets,
    _responses,
    _survivors,
    _revival,
    _line,
    _isolated,
    _with_model,
    _zigzag,
)
from training_response.replication.claims import CHECKS, NOT_REPRODUCED, REPRODUCED, UNDEFINED, evaluate_claims

# The data are NaN and ±inf on purpose: numpy's warnings about them are expected.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# Enough resamples for a real bootstrap: a corrupted run is drawn into one of them with certainty
# (each resample of n runs misses a given one with probability (1 − 1/n)^n < 0.35).
RESAMPLES = 20
NAN, INF = math.nan, math.inf


class Case(NamedTuple):
    """A check's parameters, its finite starting points (data, reference or None), one reproducing and
    one not, and what its deciding value reads: (measured array, rows of its epoch axis, entries of one
    row of one run)."""

    params: dict
    bases: tuple
    reads: tuple


def _rows(data, lo=None, hi=None, rows=None):
    """Row indices of the measured epochs in [lo, hi], or the given rows."""
    epochs = np.asarray(data["epoch"])
    if rows is not None:
        return tuple(int(r) % len(epochs) for r in rows)
    return tuple(int(r) for r in np.flatnonzero((epochs >= (lo if lo is not None else -np.inf)) & (epochs <= (hi if hi is not None else np.inf))))


AT_X_O = ((0,),)  # aging checks read the response at x_o only (shell 0)


def _kernel_reads(data, rows, near=None):
    shells = data["step"].shape[2] if near is None else near + 1
    return (("step", rows, tuple((h,) for h in range(shells))),)


def _aging(params, bases, lo=1, hi=None):
    data = bases[0][0]
    return Case(params, bases, (("step", _rows(data, lo, hi), AT_X_O),))


def _kernel(params, bases, rows, near=None):
    data = bases[0][0]
    return Case(params, bases, _kernel_reads(data, _rows(data, rows=rows), near))


EXPONENTS = {"reference": "fig", "window": (1, None)}
PAIR_ENDS = (0, -1)  # the pair checks read the responses at epoch 0 (the normalization) and at the last epoch

CASES = {
    "power_law": _aging({"window": (1, None)}, ((_aging_run(0.5), None), (_aging_run(-0.5), None))),
    "plateau": _aging({}, ((_aging_run(0.0), None), (_aging_run(1.0), None)), lo=100),
    "exponent_differs": _aging(
        {**EXPONENTS, "direction": "differs"},
        ((_tau_run(1.0 + SPREAD), _tau_run(0.3 + SPREAD)), (_tau_run(0.5 + SPREAD), _tau_run(0.5 + SPREAD))),
    ),
    "exponent_matches": _aging(EXPONENTS, ((_aging_run(0.5), _aging_run(0.55, seed=1)), (_aging_run(0.5), _aging_run(1.0, seed=1)))),
    "faster_decay": Case(
        {"reference": "fig", "window": (1, 100)},
        ((_decay_run(1.0, 0), _decay_run(0.3, 1)), (_decay_run(0.3, 0), _decay_run(1.0, 1))),
        (("step", (1, 5), AT_X_O),),  # the window's two epochs, 1 and 100
    ),
    "faster_plateau": _aging(
        {"reference": "fig", "window": (1, 1000)}, ((_aging_run(0.0), _aging_run(1.0, seed=1)), (_aging_run(1.0), _aging_run(0.0, seed=1)))
    ),
    "power_law_less_clear": _aging(EXPONENTS, ((_zigzag([0.4] * 6), _aging_run(0.5, seed=1)), (_aging_run(0.5), _zigzag([0.4] * 6)))),
    "kernel_decreasing": _kernel({}, ((_kernel_run([DECAY] * 3), None), (_kernel_run([RISING] * 3), None)), rows=(1, 2)),
    "peak_shift": _kernel({}, ((_kernel_run([DECAY, _peaked(2), _peaked(4)]), None), (_kernel_run([DECAY] * 3), None)), rows=(-1,)),
    "peak_trend": _kernel(
        {}, ((_kernel_run([DECAY, _peaked(2), _peaked(4)]), None), (_kernel_run([_peaked(4), _peaked(2), DECAY]), None)), rows=(0, 1, 2)
    ),
    "kernel_sign": _kernel({"expect": "positive"}, ((_kernel_run([DECAY] * 3), None), (_kernel_run([NEGATIVE] * 3), None)), rows=(1, 2)),
    "s_curve": _kernel({"expect": True}, ((_kernel_run([DECAY, SIGMOID, SIGMOID, SIGMOID]), None), (_kernel_run([DECAY] * 4), None)), rows=(1, 2, 3)),
    "kernel_variability": _kernel(
        {"reference": "fig", "expect": "lower"},
        ((_drifting_kernels(STEADY), _drifting_kernels(MOVING)), (_drifting_kernels(MOVING), _drifting_kernels(STEADY))),
        rows=(0, 1, 2),
    ),
    "kernel_broader": _kernel(
        {"reference": "fig", "near": 2},
        ((_kernel_run([BROAD] * 3), _kernel_run([NARROW] * 3, seed=2)), (_kernel_run([NARROW] * 3), _kernel_run([BROAD] * 3, seed=2))),
        rows=(1, 2),
        near=2,
    ),
    "kernel_linear": _kernel({}, ((_kernel_run([LINE] * 3), None), (_kernel_run([NARROW] * 3), None)), rows=(1, 2)),
    "kernel_slope_trend": _kernel(
        {"expect": "diminishing"}, ((_slopes(SHRINKING), None), (_slopes(SHRINKING[::-1]), None)), rows=range(len(SHRINKING))
    ),
    "kernel_slope_change": _kernel(
        {"expect": "diminishing"}, ((_slopes((-0.25, -0.1, -0.05)), None), (_slopes((-0.05, -0.1, -0.25)), None)), rows=(0, 1, 2)
    ),
    "kernel_slope_smaller": _kernel(
        {"reference": "fig"},
        ((_run_slopes(-0.1 + SPREAD), _run_slopes(-0.2 + SPREAD)), (_run_slopes(-0.2 + SPREAD), _run_slopes(-0.1 + SPREAD))),
        rows=(1, 2),  # the trained kernel epochs
    ),
    "kernel_drift": _kernel(
        {}, ((_drifts([0, 0.1, 0.2, 0.3, 0.4, 0.5]), None), (_drifts([0, 0.4, 0.3, 0.2, 0.1, 0.05]), None)), rows=range(6)
    ),
    "image_kernel_decreasing": Case(
        {},
        ((_images(_exponential), None), (_images(lambda r, d, rng: d / 10), None)),
        (("step", (1,), tuple((p,) for p in range(41))),),  # the last kernel epoch, every image (x_o first)
    ),
    "pair_difference_differs": Case(
        {"reference_variant": "far"},
        ((_pair(0.1, 0.15), _pair(0.1, 0.8, seed=1)), (_pair(0.1, 0.8), _pair(0.1, 0.8, seed=1))),
        (("step", (0, 3), ((0, 0), (1, 1))),),
    ),
    "pair_aging_enhanced": Case(
        {"reference_variant": "far"},
        ((_pair(0.1, 0.15), _pair(0.1, 0.8, seed=1)), (_pair(0.1, 0.8), _pair(0.1, 0.15, seed=1))),
        (("step", (0, 3), ((1, 1),)),),  # x2's own response only
    ),
    "pair_aging_limited": Case({}, ((_pair(0.1, 0.8), None), (_pair(0.1, 0.15), None)), (("step", (0, 3), ((0, 0), (1, 1))),)),
    "group_move": Case(MOVE_UP, ((_groups(0.8, 0.01), None), (_groups(0.2, 0.01), None)), (("output", (0, 1, 2), ((0,), (1,), (2,))),)),
    "group_side": Case(
        {"group": 1},
        ((_sides(0.8, 0.01), None), (_sides(0.3, 0.01), None)),
        # Group 1's prediction at the last epoch, and its label (point_y has no epoch axis: its "rows" are
        # points, group 1's the third).
        (("output", (2,), ((2,),)), ("point_y", (2,), ((),))),
    ),
    "meanfield_agreement": Case(
        {},
        ((_with_model(0.0), None), (_with_model(0.2), None)),
        (("output", (0, 1, 2), ((0,), (1,), (2,))), ("meanfield", (0, 1, 2), ((0,), (1,)))),
    ),
    "feature_trend": Case({"expect": "decreasing"}, ((_features(-0.5), None), (_features(0.5), None)), (("feature_mean", (0, 4), ((),)),)),
    "dead_fraction": Case({"at_least": 0.3, "fail_below": 0.1}, ((_dead(0.5), None), (_dead(0.05), None)), (("dead_fraction", (2,), ((),)),)),
    "delta_function": Case(
        {}, ((_predictions([1.0, 0.55, 0.5, 0.5]), None), (_predictions([0.55, 0.5, 0.5, 0.5]), None)), (("output", (1,), ((0,), (1,), (2,), (3,))),)
    ),
    "survivors_at_x_o": Case(
        {}, ((_survivors(1.0, spread=0.0), None), (_survivors(0.5), None)), (("alive", (2,), ((),)), ("alive_at_x_o", (2,), ((),)))
    ),
    "irreversible_loss": Case({}, ((_revival(0.0), None), (_revival(-0.3), None)), (("dead_fraction", (2, 3), ((),)),)),
    "trajectories_match": Case(
        {"reference_variant": "other"},
        ((_groups(0.8, 0.01), _groups(0.8, 0.01, seed=1)), (_groups(0.8, 0.01), _groups(0.3, 0.01, seed=1))),
        (("output", (0, 1, 2), ((0,), (1,), (2,))),),
    ),
    "isolated_responses": Case({}, ((_isolated(8), None), (_isolated(0), None)), (("step", (1,), tuple((p,) for p in range(401))),)),
    "image_kernel_not_linear": Case(
        {}, ((_images(_exponential), None), (_images(_line), None)), (("step", (1,), tuple((p,) for p in range(41))),)
    ),
    "target_unreached": Case({}, ((_targets(0.1), None), (_targets(0.001, spread=0.0005), None)), (("f_o", (5, 6, 7), ((),)),)),
    "response_less": Case({}, ((_responses(0.05, spread=0.005), None), (_responses(0.8), None)), (("ntk", (0, 3), ((0,),)),)),
    "eq19": Case({}, ((_theory(r2=0.99, spread=0.005), None), (_theory(r2=0.5), None)), (("eq19_r2", THEORY_TRAINED, ((),)),)),
    "eq20": Case({}, ((_theory(r2=0.99, spread=0.005), None), (_theory(r2=0.5), None)), (("eq20_r2", THEORY_TRAINED, ((),)),)),
    "eq20_constant": Case({}, ((_theory(c1_change=1.1), None), (_theory(c1_change=3.0), None)), (("eq20_constants", (2, 4), ((1,),)),)),
    "eq21_constant": Case({}, ((_theory(c_change=1.1), None), (_theory(c_change=0.5), None)), (("eq21_c", (2, 4), ((),)),)),
    "peak_mechanism": Case(
        {}, ((_theory(sigma=1.5), None), (_theory(sigma=0.9), None)), (("sigma_ratio", (4,), ((1,),)), ("bracket_kernel", (4,), ((1,),)))
    ),
    "negative_share": Case(
        {"reference_variant": "elu"},
        ((_theory(negative=0.0), _theory(negative=0.5, seed=5)), (_theory(negative=0.3), _theory(negative=0.3, seed=5))),
        (("negative_share", THEORY_TRAINED, ((5,), (6,), (7,), (8,))),),
    ),
}

# Arrays without a run axis.
_SHARED = ("epoch", "kernel_epochs", "learning_rate")


def _per_run(key, value):
    return key not in _SHARED and not (key == "distance" and np.ndim(value) == 1)


class Corruption(NamedTuple):
    """What is made not finite: "all" of an array, one "run", one "epoch" (row) of every run, one "entry"
    (a run's value at one epoch and point), or "empty": no runs at all; in the figure's runs ("data")
    or in its reference's ("against")."""

    scope: str
    value: float = NAN
    target: str = "data"
    read: int = 0  # which of the case's reads (array)
    run: int = 0
    row: int = 0  # index into the read's rows
    entry: int = 0  # index into the read's entries

    def apply(self, case, data):
        data = {k: np.array(v, copy=True) for k, v in data.items()}
        if self.scope == "empty":
            return {k: v[:0] if _per_run(k, v) else v for k, v in data.items()}
        key, rows, entries = case.reads[self.read % len(case.reads)]
        array, row = data[key], rows[self.row % len(rows)]
        if self.scope == "all":
            array[...] = self.value
        elif self.scope == "run":
            array[self.run % len(array)] = self.value
        elif self.scope == "epoch":
            array[:, row] = self.value
        else:
            array[(self.run % len(array), row, *entries[self.entry % len(entries)])] = self.value
        return data

    def __str__(self):
        where = "" if self.scope in ("all", "empty") else f" run {self.run}, row {self.row}, entry {self.entry}"
        return f"{self.scope} {self.value} in {self.target} (read {self.read}{where})"


def _verdict(name, corruption, base=0):
    """The record of the check's claim on its base case with `corruption` applied; an exception raised by
    the check propagates (a check must not crash on such data: the test fails and shows where)."""
    case = CASES[name]
    data, against = case.bases[base]
    if corruption.target == "data":
        data = corruption.apply(case, data)
    else:
        against = corruption.apply(case, against)
    return _judge(name, data, against, resamples=RESAMPLES, **case.params)


def _assert_undefined(name, corruption, base=0):
    """The corrupted claim is undefined (its undefined decisions hold a value or interval that is not a
    finite number); the one exception is a claim that a value untouched by the corruption fails."""
    record = _verdict(name, corruption, base)
    if record["verdict"] == NOT_REPRODUCED and len(record["decision"]) > 1:
        # A claim decided by several values is not reproduced when any one is (verdicts.combine): a value
        # the corruption left exactly as it was may fail the claim while the others are undefined
        # (delta_function: no spike at x_o, NaN at distance 1 leaving only the spike's width undefined).
        clean = {d["quantity"]: d for d in _judge(name, *CASES[name].bases[base], resamples=RESAMPLES, **CASES[name].params)["decision"]}
        assert all(d["verdict"] in (NOT_REPRODUCED, UNDEFINED) for d in record["decision"]), f"{name}, {corruption}: {record['decision']}"
        for d in record["decision"]:
            if d["verdict"] == NOT_REPRODUCED:
                assert (d["value"], d["ci95"]) == (clean[d["quantity"]]["value"], clean[d["quantity"]]["ci95"]), f"{name}, {corruption}: {d}"
        return
    assert record["verdict"] not in (REPRODUCED, NOT_REPRODUCED), f"{name}, {corruption}: a firm verdict {record['verdict']}: {record['decision']}"
    assert record["verdict"] == UNDEFINED, f"{name}, {corruption}: {record['verdict']}: {record['decision']}"
    for d in record["decision"]:
        if d["verdict"] == UNDEFINED:
            assert not all(isinstance(x, float) and math.isfinite(x) for x in [d["value"], *(d["ci95"] or [])])


def test_every_check_has_a_case_and_its_bases_decide():
    """CASES covers claims.CHECKS; uncorrupted, each case's bases reproduce and fail the claim (so an
    undefined verdict below is the corruption's doing)."""
    assert set(CASES) == set(CHECKS)
    for name, case in CASES.items():
        assert [_judge(name, data, against, resamples=RESAMPLES, **case.params)["verdict"] for data, against in case.bases] == [
            REPRODUCED,
            NOT_REPRODUCED,
        ], name


KINDS = [
    Corruption("all", NAN),
    Corruption("run", NAN, run=1),
    Corruption("epoch", NAN, row=-1),
    Corruption("entry", INF, run=2, row=-1, entry=1),  # the second entry read (x_o where it is the only one)
    Corruption("entry", -INF, run=3, row=0, entry=0),
    Corruption("empty"),
]


@pytest.mark.parametrize("kind", KINDS, ids=["all-nan", "run-nan", "epoch-nan", "entry+inf", "entry-inf", "empty"])
@pytest.mark.parametrize("name", sorted(CHECKS))
def test_a_check_on_data_that_are_not_finite_numbers_is_undefined(name, kind):
    """Each kind of corruption on the figure's runs of the reproducing case, and, for a comparison, on the
    reference's runs of the not-reproducing case."""
    _assert_undefined(name, kind, base=0)
    if CASES[name].bases[1][1] is not None:
        _assert_undefined(name, kind._replace(target="against"), base=1)


@st.composite
def _corruptions(draw, name):
    has_reference = CASES[name].bases[0][1] is not None
    return draw(
        st.builds(
            Corruption,
            scope=st.sampled_from(["all", "run", "epoch", "entry", "empty"]),
            value=st.sampled_from([NAN, INF, -INF]),
            target=st.sampled_from(["data", "against"] if has_reference else ["data"]),
            read=st.integers(0, 1),
            run=st.integers(0, 4),
            row=st.integers(0, 40),
            entry=st.integers(0, 40),
        )
    )


@pytest.mark.parametrize("name", sorted(CHECKS))
@settings(max_examples=8, derandomize=True, deadline=None, database=None, phases=(Phase.generate,), suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_corruption_anywhere_in_what_a_check_reads_gives_a_firm_verdict(name, data):
    """Hypothesis varies the corruption (its kind, value, side, run, epoch and entry) and the base case
    (no shrinking: the failing corruption is printed whole, and a failure stays fast)."""
    corruption = data.draw(_corruptions(name), label="corruption")
    base = data.draw(st.integers(0, 1), label="base")
    _assert_undefined(name, corruption, base)


def test_a_value_the_corruption_leaves_alone_still_fails_a_claim_decided_by_several():
    """delta_function with no spike at x_o (0.05) and one run's f at distance 1 NaN: the width is undefined,
    the spike (read at x_o and distances >= 2) is as it was and fails the claim, and so does the claim:
    not reproduced when any one value is (the one firm verdict on corrupted data, and why)."""
    record = _verdict("delta_function", Corruption("entry", NAN, run=2, row=0, entry=1), base=1)
    spike, width = record["decision"]
    assert (spike["quantity"], spike["verdict"], width["quantity"], width["verdict"]) == ("spike", NOT_REPRODUCED, "relative_width_at_1", UNDEFINED)
    assert record["verdict"] == NOT_REPRODUCED and spike["value"] == pytest.approx(0.05)
    _assert_undefined("delta_function", Corruption("entry", NAN, run=2, row=0, entry=1), base=1)  # the exception it allows


COMPARISONS = sorted(name for name, case in CASES.items() if case.bases[0][1] is not None)


@pytest.mark.parametrize("name", COMPARISONS + ["faster_plateau (variant)"])
def test_a_comparison_whose_reference_is_missing_is_undefined(name):
    """A comparison against another figure that has not been run (no results loaded), or against a
    variant of the same figure that is not among its runs: nothing to compare with, so undefined (not an
    exception: the claim's record says what is missing)."""
    if name == "faster_plateau (variant)":
        name, params = "faster_plateau", {"reference_variant": "slow"}
    else:
        params = CASES[name].params
    data = CASES[name].bases[0][0]
    [record] = evaluate_claims([{"claim": f"synthetic {name}", "test": name, **params}], {"": data}, {}, RESAMPLES)
    assert record["verdict"] == UNDEFINED, record["decision"]
