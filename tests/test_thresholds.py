"""Every threshold object in the claim tables writes a criterion holding its own numbers, and a measured
value moved across one of its numbers changes the verdict it gives."""

import numpy as np
import pytest

from training_response.replication.claims import thresholds
from training_response.replication.claims.verdicts import (
    INCONCLUSIVE,
    NOT_REPRODUCED,
    REPRODUCED,
    All,
    Band,
    Outward,
    Shift,
    Sign,
    SShape,
    above,
    at_least,
    at_most,
    below,
)

ENTRIES = {f"{family}.{name}": entry for family, table in thresholds.TABLES.items() for name, entry in vars(table).items()}
ENTRIES["features.dead_fraction(0.8, 0.5)"] = thresholds.dead_fraction(0.8, 0.5)


def _of(kind):
    return {name: entry for name, entry in ENTRIES.items() if isinstance(entry, kind)}


def _bands():
    """Every band, alone or inside a combination."""
    out = dict(_of(Band))
    for name, combined in _of(All).items():
        out.update({f"{name}[{i}]": band for i, band in enumerate(combined.bands)})
    return out


def _inside(bound):
    """A value in the bound's region, on its edge."""
    if bound.op == "within":
        return bound.center + bound.limit
    return {">=": bound.limit, "<=": bound.limit, ">": np.nextafter(bound.limit, np.inf), "<": np.nextafter(bound.limit, -np.inf)}[bound.op]


def _outside(bound):
    """The nearest value just outside the bound's region."""
    if bound.op == "within":
        return bound.center + np.nextafter(bound.limit, np.inf)
    return {">=": np.nextafter(bound.limit, -np.inf), "<=": np.nextafter(bound.limit, np.inf), ">": bound.limit, "<": bound.limit}[bound.op]


def test_every_entry_is_a_threshold_object():
    kinds = (Band, All, Shift, Sign, Outward, SShape)
    assert ENTRIES and all(isinstance(entry, kinds) for entry in ENTRIES.values())


@pytest.mark.parametrize("name", sorted(_bands()))
def test_band_sentence_holds_its_numbers_and_each_bound_flips_the_verdict(name):
    band = _bands()[name]
    sentence = band.sentence("x")
    for bound in (band.reproduced_if, band.not_reproduced_if):
        assert f"{bound.limit:g}" in sentence and str(bound) in sentence
    assert band.verdict(_inside(band.reproduced_if)) == REPRODUCED
    assert band.verdict(_outside(band.reproduced_if)) != REPRODUCED
    assert band.verdict(_inside(band.not_reproduced_if)) == NOT_REPRODUCED
    assert band.verdict(_outside(band.not_reproduced_if)) != NOT_REPRODUCED
    assert band.verdict(float("nan")) == band.undefined
    if not band.has_gap:  # the two regions meet: leaving one is entering the other
        assert band.verdict(_outside(band.reproduced_if)) == NOT_REPRODUCED


@pytest.mark.parametrize("name", sorted(_of(All)))
def test_combination_needs_every_band_to_reproduce_and_any_to_fail(name):
    combined = _of(All)[name]
    sentence = combined.sentence(*(f"x{i}" for i in range(len(combined.bands))))
    passing = [_inside(band.reproduced_if) for band in combined.bands]
    assert combined.verdict(*passing) == REPRODUCED
    for i, band in enumerate(combined.bands):
        assert f"x{i} {band.reproduced_if}" in sentence and f"x{i} {band.not_reproduced_if}" in sentence
        failing = passing[:i] + [_inside(band.not_reproduced_if)] + passing[i + 1 :]
        assert combined.verdict(*failing) == NOT_REPRODUCED


@pytest.mark.parametrize("name", sorted(_of(Shift)))
def test_shift_flips_at_its_standard_errors(name):
    shift = _of(Shift)[name]
    k, se = shift.standard_errors, 0.1
    edge = k * se
    for reference in ("fig", None):
        assert f"{k:g}" in shift.sentence("x", "higher", reference)
        assert f"{k:g}" in shift.sentence("x", "differs", reference)
    assert shift.verdict(np.nextafter(edge, np.inf), se, "higher") == REPRODUCED
    assert shift.verdict(edge, se, "higher") == INCONCLUSIVE
    assert shift.verdict(-np.nextafter(edge, np.inf), se, "lower") == REPRODUCED
    assert shift.verdict(-edge, se, "lower") == INCONCLUSIVE
    assert shift.verdict(-1e-9, se, "higher") == NOT_REPRODUCED
    assert shift.verdict(0.0, se, "higher") == (NOT_REPRODUCED if shift.zero_fails else INCONCLUSIVE)
    assert shift.verdict(np.nextafter(edge, np.inf), se, "differs") == REPRODUCED
    assert shift.verdict(-edge, se, "differs") == NOT_REPRODUCED


def test_shift_sentences_follow_the_direction_and_what_counts_against_it():
    strict, lenient = Shift(2.0), Shift(2.0, zero_fails=False)
    assert strict.sentence("x", "lower", "fig") == (
        "reproduced if x is lower than fig's by more than 2 combined s.e.; not reproduced if it is not lower; else inconclusive"
    )
    assert lenient.sentence("x", "lower") == (
        "reproduced if x is below 0 by more than 2 s.e. over runs; not reproduced if it is above 0; else inconclusive"
    )
    assert strict.sentence("x", "differs", "fig") == "reproduced if x differs from fig's by more than 2 combined s.e.; else not reproduced"
    with pytest.raises(ValueError, match="'differs', 'lower', 'higher'"):
        strict.verdict(1.0, 0.1, "more")


@pytest.mark.parametrize("name", sorted(_of(Sign)))
def test_sign_flips_at_its_standard_errors(name):
    sign = _of(Sign)[name]
    k, sem = sign.standard_errors, np.array([0.1])
    assert f"{k:g}" in sign.sentence("K", "positive") and f"{k:g}" in sign.sentence("K", "not positive")
    significantly_negative, barely_negative = np.array([np.nextafter(-k * 0.1, -np.inf)]), np.array([-k * 0.1])
    assert sign.verdict(np.array([0.0]), sem, "positive") == REPRODUCED
    assert sign.verdict(barely_negative, sem, "positive") == INCONCLUSIVE
    assert sign.verdict(significantly_negative, sem, "positive") == NOT_REPRODUCED
    assert sign.verdict(significantly_negative, sem, "not positive") == REPRODUCED
    assert sign.verdict(barely_negative, sem, "not positive") == INCONCLUSIVE
    assert sign.verdict(np.array([0.0]), sem, "not positive") == NOT_REPRODUCED


@pytest.mark.parametrize("name", sorted(_of(Outward)))
def test_outward_counts_a_peak_beyond_its_standard_errors(name):
    peak = _of(Outward)[name]
    k = peak.standard_errors
    assert f"{k:g}" in peak.sentence("the peak")
    assert peak.counts(np.nextafter(k * 0.1, np.inf), 0.1) and not peak.counts(k * 0.1, 0.1)
    assert peak.verdict([0, 2, 4]) == REPRODUCED
    assert peak.verdict([0, 4, 2]) == INCONCLUSIVE
    assert peak.verdict([0, 0, 0]) == NOT_REPRODUCED


@pytest.mark.parametrize("name", sorted(_of(SShape)))
def test_s_shape_states_its_numbers_and_needs_its_fall(name):
    shape = _of(SShape)[name]
    assert f"{shape.max_rho:g}" in str(shape) and f"{shape.standard_errors:g}" in str(shape)
    levels = np.arange(9)
    rng = np.random.default_rng(1)
    sigmoid = -np.tanh(levels - 4.0) + 0.005 * rng.standard_normal((10, 9))
    assert shape.holds(levels, sigmoid)
    # The same S with its first two distances swapped: rho drops just above −1, so a bar set at −1 fails it.
    swapped = sigmoid[:, [1, 0, *range(2, 9)]]
    assert shape.holds(levels, swapped) and not SShape(-0.99, shape.standard_errors).holds(levels, swapped)


def test_bands_refuse_overlapping_bounds_and_a_reproduced_undefined():
    with pytest.raises(ValueError, match="overlap"):
        Band(at_least(0.5), below(0.6))
    with pytest.raises(ValueError, match="never reproduced"):
        Band(at_least(0.5), below(0.1), undefined=REPRODUCED)
    assert Band(above(0), at_most(0)).has_gap is False
    assert Band(at_least(0.95), below(0.8)).has_gap is True
