"""The interval rule at its bounds: every Band in the claim tables (thresholds.TABLES, the entries keyed
by direction included, and a dead-fraction band) gives its verdicts exactly at its numbers, one float
step either side of each bound; every band's criterion holds its numbers and its minimum effect; Bound,
Band, combine and decide keep the rule written in verdicts.py."""

import itertools
import math

import pytest

from training_response.replication.claims import thresholds
from training_response.replication.claims.verdicts import (
    INCONCLUSIVE,
    NO_INTERVAL,
    NOT_REPRODUCED,
    REPRODUCED,
    RULE,
    UNDEFINED,
    VERDICTS,
    Band,
    Bound,
    Reading,
    Test as Deciding,
    above,
    at_least,
    at_most,
    below,
    combine,
    decide,
    outside,
    within,
)

R, NR, INC, UND = REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, UNDEFINED
NAN, INF = math.nan, math.inf


def _down(x):
    return math.nextafter(x, -INF)


def _up(x):
    return math.nextafter(x, INF)


def _all_bands():
    """Every band of the tables by name, the direction-keyed entries one band per direction."""
    bands = {}
    for family, table in thresholds.TABLES.items():
        for name, entry in vars(table).items():
            if isinstance(entry, dict):
                bands.update({f"{family}.{name}[{key}]": band for key, band in entry.items()})
            else:
                bands[f"{family}.{name}"] = entry
    bands["dead_fraction(0.8, 0.5)"] = thresholds.dead_fraction(0.8, 0.5)
    return bands


BANDS = _all_bands()


def _edges(bound, width=1.0):
    """For each edge of the bound's region: (an interval wholly inside with one end exactly on the edge, or
    on the first float inside it for an open bound; the same interval with that end moved one float step out).
    The other end lies `width` inside the region."""
    lo, hi, limit = bound.center - bound.limit, bound.center + bound.limit, bound.limit
    return {
        ">=": [((limit, limit + width), (_down(limit), limit + width))],
        ">": [((_up(limit), limit + width), (limit, limit + width))],
        "<=": [((limit - width, limit), (limit - width, _up(limit)))],
        "<": [((limit - width, _down(limit)), (limit - width, limit))],
        "within": [((lo, bound.center), (_down(lo), bound.center)), ((bound.center, hi), (bound.center, _up(hi)))],
        "outside": [((_up(hi), hi + width), (hi, hi + width)), ((lo - width, _down(lo)), (lo - width, lo))],
    }[bound.op]


def _a_point_in(bound):
    """A value well inside the bound's region."""
    return {">=": bound.limit + 1, ">": bound.limit + 1, "<=": bound.limit - 1, "<": bound.limit - 1}.get(
        bound.op, bound.center if bound.op == "within" else bound.center + bound.limit + 1
    )


def test_the_tables_hold_bands_and_direction_keyed_bands_only():
    """Every entry is a Band or a dict of Bands (one per direction): what the tests below iterate over."""
    for family, table in thresholds.TABLES.items():
        for name, entry in vars(table).items():
            assert isinstance(entry, Band) or (isinstance(entry, dict) and entry and all(isinstance(b, Band) for b in entry.values())), (family, name)
    assert {"aging law.exponent_shift[differs]", "kernel shape.shift[lower]", "kernel shape.slope_change[higher]", "feature space.trend[lower]"} <= set(BANDS)


@pytest.mark.parametrize("name", sorted(BANDS))
def test_reproduced_only_wholly_inside_the_reproducing_bound_to_the_last_float(name):
    """An interval inside the reproducing bound with an end on its edge is reproduced; that end one float
    step out, the interval crosses the edge: inconclusive (never not reproduced: its other end still
    reproduces)."""
    band = BANDS[name]
    for inside, out in _edges(band.reproduced_if):
        assert band.verdict(inside) == R, (inside, band)
        assert band.verdict(out) == INC, (out, band)
        assert band.verdict((inside[0], inside[0])) == R and band.verdict((inside[1], inside[1])) == R


@pytest.mark.parametrize("name", sorted(BANDS))
def test_not_reproduced_only_wholly_inside_the_not_reproducing_bound_to_the_last_float(name):
    band = BANDS[name]
    for inside, out in _edges(band.not_reproduced_if):
        assert band.verdict(inside) == NR, (inside, band)
        assert band.verdict(out) == INC, (out, band)


@pytest.mark.parametrize("name", sorted(BANDS))
def test_an_interval_from_one_region_into_the_other_is_inconclusive(name):
    """From well inside the reproducing region to well inside the not-reproducing one, in either order of
    the two points: the interval lies wholly in neither."""
    band = BANDS[name]
    a, b = _a_point_in(band.reproduced_if), _a_point_in(band.not_reproduced_if)
    assert band.verdict((a, a)) == R and band.verdict((b, b)) == NR
    assert band.verdict((min(a, b), max(a, b))) == INC


@pytest.mark.parametrize("name", sorted(BANDS))
def test_an_interval_with_an_end_that_is_not_a_finite_number_is_undefined(name):
    """NaN or ±inf at either end (or in the interval the not-reproducing bound reads) is undefined, even
    where the other end alone would decide, and even where the whole real line would lie in one region."""
    band = BANDS[name]
    a, b = _a_point_in(band.reproduced_if), _a_point_in(band.not_reproduced_if)
    for x in (a, b):
        for bad in (NAN, INF, -INF):
            assert band.verdict((bad, x)) == UND and band.verdict((x, bad)) == UND
            assert band.verdict((x, x), (bad, x)) == UND and band.verdict((x, x), (x, bad)) == UND
    assert band.verdict((NAN, NAN)) == UND and band.verdict((-INF, INF)) == UND
    assert band.verdict((None, None)) == UND and band.verdict((a, a), (None, None)) == UND


@pytest.mark.parametrize("name", sorted(BANDS))
def test_every_band_sentence_holds_its_numbers_and_its_minimum_effect(name):
    band = BANDS[name]
    sentence = band.sentence("the value", "its median")
    for bound in (band.reproduced_if, band.not_reproduced_if):
        assert str(bound) in sentence and f"{bound.limit:g}" in sentence
    assert sentence.startswith(f"reproduced if the value {band.reproduced_if}")
    assert sentence.endswith(f"not reproduced if its median {band.not_reproduced_if}")
    if band.effect is not None:
        assert f"(minimum effect {band.effect:g})" in sentence
    else:
        assert "minimum effect" not in sentence


def test_directional_bands_carry_their_minimum_effect_at_their_bounds():
    """shift(): "higher" beyond +effect, "lower" below −effect, "differs" farther than effect from 0; within
    the effect the claimed change is absent. Every directional entry of the tables states its effect."""
    e = 0.25
    assert thresholds.shift("higher", e) == Band(above(e), at_most(e), e)
    assert thresholds.shift("lower", e) == Band(below(-e), at_least(-e), e)
    assert thresholds.shift("differs", e) == Band(outside(e), within(e), e)
    for name in ("aging law.less_clear", "aging law.faster_drop", "aging law.faster_plateau", "pair and group dynamics.move"):
        assert BANDS[name].effect is not None, name
    for name, band in BANDS.items():
        if "shift[" in name or "slope_change[" in name or "trend[" in name:
            assert band.effect is not None, name
    assert BANDS["aging law.exponent_shift[differs]"].effect == thresholds.TAU_EFFECT == thresholds.AGING.exponents_match.reproduced_if.limit


def test_dead_fraction_band_reads_the_claims_numbers():
    band = thresholds.dead_fraction(0.8, 0.5)
    assert band == Band(at_least(0.8), below(0.5))
    assert band.verdict((0.8, 0.9)) == R and band.verdict((_down(0.8), 0.9)) == INC
    assert band.verdict((0.1, _down(0.5))) == NR and band.verdict((0.1, 0.5)) == INC
    with pytest.raises(ValueError, match="overlap"):
        thresholds.dead_fraction(0.5, 0.8)


# Bound -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bound, inside, outside_",
    [
        (at_least(1.0), [(1.0, 2.0), (1.0, 1.0), (5.0, 1e300)], [(_down(1.0), 2.0), (0.0, 0.5)]),
        (above(1.0), [(_up(1.0), 2.0), (2.0, 3.0)], [(1.0, 2.0), (1.0, 1.0)]),
        (at_most(1.0), [(0.0, 1.0), (1.0, 1.0), (-1e300, -5.0)], [(0.0, _up(1.0)), (1.5, 2.0)]),
        (below(1.0), [(0.0, _down(1.0)), (-3.0, -2.0)], [(0.0, 1.0), (1.0, 1.0)]),
        (within(0.5, 1.0), [(0.5, 1.5), (1.0, 1.0), (0.7, 1.2)], [(_down(0.5), 1.5), (0.5, _up(1.5)), (2.0, 3.0), (-1.0, 0.0)]),
        (within(0.1), [(-0.1, 0.1), (0.0, 0.0)], [(-0.2, 0.0), (0.0, _up(0.1))]),
        (
            outside(0.5, 1.0),
            [(_up(1.5), 3.0), (-1.0, _down(0.5)), (2.0, 2.0), (0.0, 0.0)],
            [(1.5, 3.0), (-1.0, 0.5), (1.0, 1.0), (0.0, 2.0), (0.0, 1.0), (1.2, 3.0)],
        ),
    ],
    ids=["at_least", "above", "at_most", "below", "within_center_1", "within_0", "outside_center_1"],
)
def test_bound_contains_an_interval_only_when_every_value_of_it_is_in_its_region(bound, inside, outside_):
    """Closed bounds (>=, <=, within) hold their edge, open ones (>, <, outside) do not; "outside" holds an
    interval wholly beyond either edge, never one that reaches into, or spans, the hole around its center."""
    for interval in inside:
        assert bound.contains(*interval), (bound, interval)
    for interval in outside_:
        assert not bound.contains(*interval), (bound, interval)
    assert all(bound.holds(x) == bound.contains(x, x) for interval in inside + outside_ for x in interval)


def test_bound_refuses_an_unknown_operator_and_writes_itself():
    with pytest.raises(ValueError, match="'>=', '>', '<=', '<', 'within', 'outside'"):
        Bound("!=", 1.0)
    assert str(at_least(0.95)) == ">= 0.95" and str(below(-0.5)) == "< -0.5"
    assert str(within(0.1)) == "is within ±0.1 of 0" and str(outside(0.05, 1.0)) == "is farther than 0.05 from 1"
    assert at_least(0.95).to_json() == {"op": ">=", "limit": 0.95}
    assert within(0.1, 2.0).to_json() == {"op": "within", "limit": 0.1, "center": 2.0}


# Band --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reproduced_if, not_reproduced_if",
    [
        (at_least(0.5), below(0.6)),
        (at_least(0.0), at_most(0.0)),  # both closed: they share the point 0
        (above(0.0), at_most(_up(0.0))),
        (within(0.1), above(0.05)),
        (within(0.1), within(0.2)),
        (outside(0.1), within(0.2)),
        (outside(0.1), above(0.5)),
        (within(1.0, 5.0), above(4.5)),
        (below(-0.1), at_least(-0.2)),
    ],
)
def test_band_refuses_overlapping_bounds(reproduced_if, not_reproduced_if):
    with pytest.raises(ValueError, match="overlap"):
        Band(reproduced_if, not_reproduced_if)


def test_band_takes_bounds_that_meet_without_overlapping():
    """Regions that meet at a point (one closed, one open) or leave a gap are disjoint."""
    for r, n in [(above(0.0), at_most(0.0)), (outside(0.05), within(0.05)), (at_least(0.95), below(0.8)), (within(0.1), below(-0.5))]:
        assert Band(r, n).verdict((_a_point_in(r), _a_point_in(r))) == R


def test_band_judges_the_not_reproducing_bound_on_its_own_interval_when_given_one():
    """kernel_decreasing's band: the largest rho must fall to −0.8 to reproduce; the median above −0.5 fails it."""
    falls = thresholds.KERNEL.falls
    assert falls.verdict((-0.9, -0.85), (1.0, 1.0)) == R  # reproduced first: every epoch falls
    assert falls.verdict((-0.7, -0.6), (-0.4, -0.3)) == NR
    assert falls.verdict((-0.7, -0.6), (-0.6, -0.5)) == INC
    assert falls.verdict((-0.7, -0.6), (_down(-0.5), -0.3)) == INC and falls.verdict((-0.7, -0.6), (-0.5, -0.3)) == INC
    assert falls.verdict((-0.7, -0.6), (_up(-0.5), -0.3)) == NR


# combine and decide ------------------------------------------------------------------------------------


def _combined(verdicts):
    """The rule as verdicts.py's docstring states it, written here independently."""
    if any(v == NR for v in verdicts):
        return NR
    if any(v == UND for v in verdicts):
        return UND
    return R if all(v == R for v in verdicts) else INC


@pytest.mark.parametrize("n", [1, 2, 3])
def test_combine_is_reproduced_only_when_every_value_is_and_not_reproduced_when_any_is(n):
    for verdicts in itertools.product(VERDICTS, repeat=n):
        assert combine(list(verdicts)) == _combined(verdicts), verdicts
    assert combine([UND, NR]) == NR and combine([R, UND]) == UND and combine([R, INC]) == INC and combine([R, R]) == R


TAU = Deciding(thresholds.AGING.decays, "tau")
R2 = Deciding(thresholds.AGING.clear, "r2")
READING = Reading("a power law", {"tau": 0.5, "r2": 0.99, "window": [1.0, 10.0]}, "tau > 0 and R² >= 0.95", (TAU, R2))


def test_decide_appends_the_interval_rule_and_records_each_decision():
    verdict, decisions, criterion = decide(READING, {"tau": [0.4, 0.6], "r2": [0.96, 1.0]})
    assert verdict == R and criterion == f"{READING.criterion}; {RULE}"
    assert [d["quantity"] for d in decisions] == ["tau", "r2"]
    assert decisions[0] == {
        "quantity": "tau",
        "value": 0.5,
        "ci95": [0.4, 0.6],
        "reproduced_if": {"op": ">", "limit": 0},
        "not_reproduced_if": {"op": "<=", "limit": 0},
        "effect_size": None,
        "verdict": R,
    }
    # The interval decides, not the value: the same values with R²'s interval reaching below 0.95.
    verdict, decisions, _ = decide(READING, {"tau": [0.4, 0.6], "r2": [0.94, 1.0]})
    assert verdict == INC and [d["verdict"] for d in decisions] == [R, INC]


def test_decide_without_an_interval_says_why_and_judges_the_value():
    verdict, decisions, criterion = decide(READING, None, "4 run(s)")
    assert verdict == R and criterion == f"{READING.criterion}; {NO_INTERVAL.format(why='4 run(s)')}"
    assert all(d["ci95"] is None for d in decisions)
    assert decide(READING, None)[2].endswith(NO_INTERVAL.format(why="no resampling"))
    assert decide(READING._replace(value={"tau": 0.5, "r2": 0.9}), None)[0] == INC
    assert decide(READING._replace(value={"tau": -0.5, "r2": 0.99}), None)[0] == NR


def test_decide_is_undefined_for_a_value_or_an_interval_that_is_not_a_finite_number():
    """A NaN or missing value, or a value whose bootstrap gave no interval (a resample was not finite), is
    undefined; a failing value elsewhere still makes the claim not reproduced."""
    assert decide(READING._replace(value={"tau": NAN, "r2": 0.99}), {"r2": [0.96, 1.0]})[0] == UND
    assert decide(READING._replace(value={"r2": 0.99}), None)[0] == UND
    verdict, decisions, _ = decide(READING, {"r2": [0.96, 1.0]})
    assert verdict == UND and decisions[0]["verdict"] == UND and all(math.isnan(x) for x in decisions[0]["ci95"])
    assert decide(READING, {"tau": [0.4, INF], "r2": [0.96, 1.0]})[0] == UND
    assert decide(READING._replace(value={"tau": None, "r2": 0.5}), {"r2": [0.4, 0.6]})[0] == NR
    assert decide(READING._replace(value={"tau": INF, "r2": 0.99}), None)[0] == UND


def test_decide_records_what_the_not_reproducing_bound_read():
    falls = Deciding(thresholds.KERNEL.falls, "largest_rho", "median_rho")
    reading = Reading("rho", {"largest_rho": -0.6, "median_rho": -0.3}, "falls", (falls,))
    verdict, [d], _ = decide(reading, {"largest_rho": [-0.7, -0.55], "median_rho": [-0.4, -0.2]})
    assert verdict == NR and d["not_quantity"] == "median_rho" and d["not_value"] == -0.3 and d["not_ci95"] == [-0.4, -0.2]
    assert decide(reading, {"largest_rho": [-0.7, -0.55]})[0] == UND
    assert decide(reading._replace(value={"largest_rho": -0.6, "median_rho": NAN}), None)[0] == UND
