"""Threshold objects: each decides a verdict and writes the criterion sentence from the same numbers,
so the text stored with a claim cannot disagree with how it was judged."""

import operator
from dataclasses import dataclass

import numpy as np

from .. import stats

REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE = "reproduced", "not reproduced", "inconclusive"

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def one_of(value, name, valid):
    """`value`, refused unless it is one of `valid`."""
    if value not in valid:
        raise ValueError(f"unknown {name} {value!r}; use one of {', '.join(map(repr, valid))}")
    return value


@dataclass(frozen=True)
class Bound:
    """A region of the number line: `op limit`, or within ±limit of center (op "within")."""

    op: str
    limit: float
    center: float = 0.0

    def __post_init__(self):
        if self.op not in (*_OPS, "within"):
            raise ValueError(f"unknown bound {self.op!r}; use one of {', '.join(_OPS)} or 'within'")

    def holds(self, value):
        if self.op == "within":
            return abs(value - self.center) <= self.limit
        return _OPS[self.op](value, self.limit)

    def interval(self):
        """(low, high, low closed, high closed)."""
        if self.op == "within":
            return self.center - self.limit, self.center + self.limit, True, True
        if self.op in (">=", ">"):
            return self.limit, np.inf, self.op == ">=", False
        return -np.inf, self.limit, False, self.op == "<="

    def __str__(self):
        if self.op == "within":
            return f"is within ±{self.limit:g} of {self.center:g}"
        return f"{self.op} {self.limit:g}"


def at_least(limit):
    return Bound(">=", limit)


def above(limit):
    return Bound(">", limit)


def at_most(limit):
    return Bound("<=", limit)


def below(limit):
    return Bound("<", limit)


def within(limit, center=0.0):
    return Bound("within", limit, center)


def _separated(a, b):
    """Whether the intervals of two bounds share no value: (disjoint, they leave no gap between them)."""
    (lo, hi, _, hi_closed), (lo2, hi2, lo2_closed, _) = sorted([a.interval(), b.interval()], key=lambda i: (i[0], not i[2]))
    disjoint = hi < lo2 or (hi == lo2 and not (hi_closed and lo2_closed))
    return disjoint, disjoint and lo == -np.inf and hi2 == np.inf and hi == lo2


def _otherwise(gap, undefined):
    if gap:
        return "; else inconclusive"
    return "; inconclusive when undefined" if undefined == INCONCLUSIVE else ""


@dataclass(frozen=True)
class Band:
    """A measured value against two bounds: reproduced inside `reproduced_if`, not reproduced inside
    `not_reproduced_if`, inconclusive between them; a value that is not a finite number gets `undefined`."""

    reproduced_if: Bound
    not_reproduced_if: Bound
    undefined: str = INCONCLUSIVE

    def __post_init__(self):
        disjoint, _ = _separated(self.reproduced_if, self.not_reproduced_if)
        if not disjoint:
            raise ValueError(f"bounds {self.reproduced_if} and {self.not_reproduced_if} overlap")
        if self.undefined not in (INCONCLUSIVE, NOT_REPRODUCED):
            raise ValueError("an undefined value is inconclusive or not reproduced, never reproduced")

    @property
    def has_gap(self):
        return not _separated(self.reproduced_if, self.not_reproduced_if)[1]

    def verdict(self, value, not_value=None):
        """`not_value`, when given, is what the not-reproduced bound reads (e.g. a median where the
        reproduced bound reads a maximum)."""
        not_value = value if not_value is None else not_value
        if not (np.isfinite(value) and np.isfinite(not_value)):
            return self.undefined
        if self.reproduced_if.holds(value):
            return REPRODUCED
        return NOT_REPRODUCED if self.not_reproduced_if.holds(not_value) else INCONCLUSIVE

    def reproduced(self, name):
        return f"{name} {self.reproduced_if}"

    def not_reproduced(self, name=None):
        """The not-reproduced condition, without its subject when `name` is None (the same value as before)."""
        bound = f"{name} {self.not_reproduced_if}" if name else str(self.not_reproduced_if)
        return bound + (" or undefined" if self.undefined == NOT_REPRODUCED else "")

    def sentence(self, name, not_name=None):
        return (
            f"reproduced if {self.reproduced(name)}; not reproduced if {self.not_reproduced(not_name)}"
            + _otherwise(self.has_gap, self.undefined)
        )


class All:
    """Bands on several values: reproduced when every one is, not reproduced when any one is."""

    def __init__(self, *bands):
        self.bands = bands

    def verdict(self, *values):
        if len(values) != len(self.bands):
            raise ValueError(f"{len(self.bands)} values needed, got {len(values)}")
        verdicts = [band.verdict(v) for band, v in zip(self.bands, values)]
        if all(v == REPRODUCED for v in verdicts):
            return REPRODUCED
        return NOT_REPRODUCED if NOT_REPRODUCED in verdicts else INCONCLUSIVE

    def sentence(self, *names):
        reproduced = " and ".join(band.reproduced(n) for band, n in zip(self.bands, names))
        not_reproduced = " or ".join(band.not_reproduced(n) for band, n in zip(self.bands, names))
        gap = any(band.has_gap for band in self.bands)
        undefined = INCONCLUSIVE if any(band.undefined == INCONCLUSIVE for band in self.bands) else NOT_REPRODUCED
        return f"reproduced if {reproduced}; not reproduced if {not_reproduced}" + _otherwise(gap, undefined)


DIRECTIONS = ("differs", "lower", "higher")


@dataclass(frozen=True)
class Shift:
    """A difference judged against its standard error: reproduced when it exceeds `standard_errors` of
    them in the expected direction. With `zero_fails`, no difference at all counts against the claim;
    without, only a difference the other way does."""

    standard_errors: float
    zero_fails: bool = True

    def verdict(self, gap, se, direction):
        significant = abs(gap) > self.standard_errors * se
        if one_of(direction, "direction", DIRECTIONS) == "differs":
            return REPRODUCED if significant else NOT_REPRODUCED
        toward = -gap if direction == "lower" else gap
        if significant and toward > 0:
            return REPRODUCED
        return NOT_REPRODUCED if (toward <= 0 if self.zero_fails else toward < 0) else INCONCLUSIVE

    def sentence(self, name, direction, reference=None):
        """Against a reference's runs (combined s.e.) when `reference` names one, else against 0 (s.e. over runs)."""
        errors = f"{self.standard_errors:g} combined s.e." if reference else f"{self.standard_errors:g} s.e. over runs"
        if one_of(direction, "direction", DIRECTIONS) == "differs":
            against = f"{reference}'s" if reference else "0"
            return f"reproduced if {name} differs from {against} by more than {errors}; else not reproduced"
        if reference:
            expected = f"{direction} than {reference}'s"
            wrong = f"not {direction}" if self.zero_fails else "higher" if direction == "lower" else "lower"
        else:
            expected = "below 0" if direction == "lower" else "above 0"
            wrong = {"lower": ("above 0", "at least 0"), "higher": ("below 0", "at most 0")}[direction][self.zero_fails]
        return f"reproduced if {name} is {expected} by more than {errors}; not reproduced if it is {wrong}; else inconclusive"


SIGNS = ("positive", "not positive")


@dataclass(frozen=True)
class Sign:
    """Values with standard errors: never below 0, or below 0 by more than `standard_errors` somewhere."""

    standard_errors: float

    def verdict(self, mean, sem, expect):
        found = bool(np.all(mean >= 0))  # never negative
        against = bool(np.any(mean + self.standard_errors * sem < 0))  # significantly negative somewhere
        if one_of(expect, "expect", SIGNS) == "not positive":
            found, against = against, found
        return REPRODUCED if found else NOT_REPRODUCED if against else INCONCLUSIVE

    def sentence(self, name, expect):
        never, negative = "is >= 0 everywhere", f"is below 0 by more than {self.standard_errors:g} s.e. somewhere"
        found, against = (never, negative) if one_of(expect, "expect", SIGNS) == "positive" else (negative, never)
        return f"reproduced if {name} {found}; not reproduced if it {against}; else inconclusive"


@dataclass(frozen=True)
class Outward:
    """A peak leaving x_o: it counts where it stands more than `standard_errors` above the value at x_o.
    Reproduced if it ends farther out than it starts and never moves back; not reproduced if it never leaves."""

    standard_errors: float

    def counts(self, excess, sem):
        return bool(excess > self.standard_errors * sem)

    def verdict(self, distances):
        if distances[-1] > distances[0] and all(b >= a for a, b in zip(distances, distances[1:])):
            return REPRODUCED
        return NOT_REPRODUCED if not any(distances) else INCONCLUSIVE

    def sentence(self, name):
        return (
            f"{name}, counted only where it exceeds K(x_o) = 1 by more than {self.standard_errors:g} s.e.: reproduced "
            "if it lies at a larger distance at the last epoch than at the first and never moves back towards x_o; "
            "not reproduced if it stays at x_o at every epoch; else inconclusive"
        )


@dataclass(frozen=True)
class SShape:
    """What counts as an S curve (stats.s_shaped): falling overall, concave near x_o, convex further out."""

    max_rho: float
    standard_errors: float

    def holds(self, levels, k):
        return stats.s_shaped(levels, k, self.max_rho, self.standard_errors)

    def __str__(self):
        return (
            f"an S curve: the kernel decreases with distance (Spearman rho <= {self.max_rho:g}), with second differences "
            f"below 0 near x_o and above 0 further out, each by more than {self.standard_errors:g} s.e."
        )
