"""The one decision rule of every claim, and the threshold objects it reads.

A check measures; it returns a Reading naming the value(s) that decide it and the Band each is judged
by. `decide` then judges every deciding value by its 95% bootstrap interval over replicas:

- reproduced only when the interval lies wholly inside the band's reproducing region,
- not reproduced only when it lies wholly inside the band's not-reproducing region,
- inconclusive otherwise (the interval crosses a bound, or sits in the gap between the regions),
- undefined when the value or its interval is not a finite number (NaN, ±inf, missing data or a
  missing reference): never counted as reproduced or not reproduced.

Where there is no interval (a deterministic system, fewer runs than a bootstrap needs) the value is its
own interval, and the criterion says so. A claim decided by several values is reproduced when every one
is, not reproduced when any one is, otherwise undefined when any one is, otherwise inconclusive.
"""

import math
import operator
from dataclasses import dataclass
from typing import NamedTuple

REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, UNDEFINED = "reproduced", "not reproduced", "inconclusive", "undefined"
VERDICTS = (REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, UNDEFINED)

RULE = (
    "decided on the 95% bootstrap interval over runs: reproduced only when it lies wholly inside the reproducing "
    "bound, not reproduced only when it lies wholly inside the not-reproducing bound, else inconclusive; undefined "
    "when the value or its interval is not a finite number"
)
NO_INTERVAL = "no interval ({why}): decided on the value itself, undefined when it is not a finite number"

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def one_of(value, name, valid):
    """`value`, refused unless it is one of `valid`."""
    if value not in valid:
        raise ValueError(f"unknown {name} {value!r}; use one of {', '.join(map(repr, valid))}")
    return value


def _finite(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


@dataclass(frozen=True)
class Bound:
    """A region of the number line: `op limit`; within ±limit of center (op "within"); or farther than
    that (op "outside")."""

    op: str
    limit: float
    center: float = 0.0

    def __post_init__(self):
        one_of(self.op, "bound", (*_OPS, "within", "outside"))

    def contains(self, low, high):
        """Whether every value of the interval [low, high] lies in the region."""
        if self.op == "within":
            return self.center - self.limit <= low and high <= self.center + self.limit
        if self.op == "outside":
            return low > self.center + self.limit or high < self.center - self.limit
        if self.op in (">=", ">"):
            return _OPS[self.op](low, self.limit)
        return _OPS[self.op](high, self.limit)

    def holds(self, value):
        return self.contains(value, value)

    def to_json(self):
        return {"op": self.op, "limit": self.limit, **({"center": self.center} if self.op in ("within", "outside") else {})}

    def __str__(self):
        if self.op == "within":
            return f"is within ±{self.limit:g} of {self.center:g}"
        if self.op == "outside":
            return f"is farther than {self.limit:g} from {self.center:g}"
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


def outside(limit, center=0.0):
    return Bound("outside", limit, center)


def _overlap(a, b, probes):
    return any(a.holds(x) and b.holds(x) for x in probes)


@dataclass(frozen=True)
class Band:
    """Two disjoint regions: a value (or interval) inside `reproduced_if` reproduces the claim, inside
    `not_reproduced_if` it does not. `effect` is the minimum effect size the bounds demand (None for a
    band that is not a directional or comparative criterion), stored with every decision."""

    reproduced_if: Bound
    not_reproduced_if: Bound
    effect: float = None

    def __post_init__(self):
        limits = sorted({b.center + s * b.limit for b in (self.reproduced_if, self.not_reproduced_if) for s in (-1, 1)} | {0.0})
        probes = limits + [math.nextafter(x, d) for x in limits for d in (-math.inf, math.inf)] + [-1e300, 1e300]
        if _overlap(self.reproduced_if, self.not_reproduced_if, probes):
            raise ValueError(f"bounds {self.reproduced_if} and {self.not_reproduced_if} overlap")

    def verdict(self, interval, not_interval=None):
        """The verdict of an interval (low, high) of the deciding value; `not_interval`, when given, is
        what the not-reproducing bound reads (e.g. a median where the reproducing bound reads a maximum)."""
        not_interval = interval if not_interval is None else not_interval
        if not all(_finite(x) for x in (*interval, *not_interval)):
            return UNDEFINED
        if self.reproduced_if.contains(*interval):
            return REPRODUCED
        return NOT_REPRODUCED if self.not_reproduced_if.contains(*not_interval) else INCONCLUSIVE

    def sentence(self, name, not_name=None):
        not_name = f"{not_name} " if not_name else ""
        effect = f" (minimum effect {self.effect:g})" if self.effect is not None else ""
        return f"reproduced if {name} {self.reproduced_if}{effect}; not reproduced if {not_name}{self.not_reproduced_if}"


class Test(NamedTuple):
    """What decides a claim: `band` judges value[key], its not-reproducing bound value[not_key] if given."""

    band: Band
    key: str
    not_key: str = None


class Reading(NamedTuple):
    """What a check returns: what it measured, the measured values, the criterion in words and the tests
    that decide it. It holds no verdict: `decide` gives that, from the values' intervals."""

    quantity: str
    value: dict
    criterion: str
    tests: tuple


def combine(verdicts):
    """The verdict of a claim decided by several values."""
    if NOT_REPRODUCED in verdicts:
        return NOT_REPRODUCED
    if UNDEFINED in verdicts:
        return UNDEFINED
    return REPRODUCED if verdicts and all(v == REPRODUCED for v in verdicts) else INCONCLUSIVE


def _interval(value, ci95, key):
    """The interval a key is judged by: its bootstrap interval, or the value itself where `ci95` is None."""
    x = value.get(key)
    if ci95 is None:
        return (x, x)
    return tuple(ci95[key]) if key in ci95 and _finite(x) else (math.nan, math.nan)


def decide(reading, ci95, no_interval_because=None):
    """(verdict, decisions, criterion) of a Reading. `ci95` maps value keys to their 95% intervals; None
    when the claim has no interval, `no_interval_because` saying why."""
    if ci95 is None:
        ci95_used = None
        rule = NO_INTERVAL.format(why=no_interval_because or "no resampling")
    else:
        ci95_used, rule = ci95, RULE
    decisions = []
    for test in reading.tests:
        interval = _interval(reading.value, ci95_used, test.key)
        not_interval = _interval(reading.value, ci95_used, test.not_key) if test.not_key else None
        decisions.append(
            {
                "quantity": test.key,
                "value": reading.value.get(test.key),
                "ci95": None if ci95 is None else list(interval),
                **({"not_quantity": test.not_key, "not_value": reading.value.get(test.not_key), "not_ci95": None if ci95 is None else list(not_interval)} if test.not_key else {}),
                "reproduced_if": test.band.reproduced_if.to_json(),
                "not_reproduced_if": test.band.not_reproduced_if.to_json(),
                "effect_size": test.band.effect,
                "verdict": test.band.verdict(interval, not_interval),
            }
        )
    verdict = combine([d["verdict"] for d in decisions])
    return verdict, decisions, f"{reading.criterion}; {rule}"
