"""What a claim's verdicts under the robustness variants mean: one finding per claim, of four kinds, each
with the numbers that decide it.

- "robust": the same firm verdict (reproduced, or not reproduced) under every variant that gives one.
- "depends on <choice>": a variant of an unstated choice gives a defined verdict other than the committed
  run's; the finding names it and its deciding value. A larger ensemble that decides a claim the committed
  run left inconclusive resolves it; it is not a dependence.
- "undetermined at this size": the committed verdict is inconclusive (its interval crosses a bound) and no
  variant of a choice gives another defined verdict; a power statement says about how many runs the
  interval would need to decide it.
- "undefined under <choice>": a variant's deciding value is not a finite number (NaN measurements, a
  saturated sigmoid, missing data); the finding says how many replicas and why, and the verdict over the
  defined replicas beside it, as a conditional reading that is never counted.

The kinds are exclusive and taken in that order of weight: depends, undetermined, undefined, robust.
"""

import math

from .claims.verdicts import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, UNDEFINED

ROBUST, DEPENDS, UNDETERMINED, UNDEFINED_UNDER = "robust", "depends", "undetermined", "undefined"
KINDS = (ROBUST, DEPENDS, UNDETERMINED, UNDEFINED_UNDER)
FIRM = (REPRODUCED, NOT_REPRODUCED)


def deciding(claim):
    """The value that decides a claim record: the first decision whose verdict is the claim's (the first
    decision when none is), as {"quantity", "value", "ci95"} — the not-reproducing test's value where that
    test decided it — or None for a claim without a decision."""
    decisions = claim.get("decision") or []
    if not decisions:
        return None
    chosen = next((d for d in decisions if d.get("verdict") == claim.get("verdict")), decisions[0])
    prefix = "not_" if chosen.get("verdict") == NOT_REPRODUCED and "not_quantity" in chosen else ""
    return {"quantity": chosen[f"{prefix}quantity"], "value": chosen[f"{prefix}value"], "ci95": chosen[f"{prefix}ci95"]}


def describe(value):
    """'quantity = v [low, high]' of deciding(), or 'no deciding value'."""
    if value is None:
        return "no deciding value"
    ci = value["ci95"]
    interval = f" [{_g(ci[0])}, {_g(ci[1])}]" if ci else ""
    return f"{value['quantity']} = {_g(value['value'])}{interval}"


def _g(x):
    return "NaN" if x is None else f"{x:.3g}"


def _runs_needed(value, ci, bound, replicas):
    """About how many runs put the interval [ci] of `value` wholly inside `bound` (a decision's bound as
    json), its half-widths shrinking as 1/√runs: None when the value is not inside the bound (no size
    decides it while the mean stays there)."""
    op, limit, center = bound["op"], bound["limit"], bound.get("center", 0.0)
    low, high = value - ci[0], ci[1] - value
    if op in (">=", ">"):
        gaps = [(low, value - limit)]
    elif op in ("<=", "<"):
        gaps = [(high, limit - value)]
    elif op == "within":
        gaps = [(low, value - (center - limit)), (high, center + limit - value)]
    elif value > center + limit:
        gaps = [(low, value - center - limit)]
    else:
        gaps = [(high, center - limit - value)]
    if any(gap <= 0 for _, gap in gaps):
        return None
    # Rounded before the ceiling: 20 × (0.2 / 0.05)² is 320.0000000000001 in floating point, not 321 runs.
    return max(math.ceil(round(replicas * (width / gap) ** 2, 9)) for width, gap in gaps)


def power(claim):
    """A power statement for an inconclusive claim record: about how many runs its deciding values'
    intervals need to decide it, from the committed runs' spread, or why no number of runs would."""
    replicas = claim.get("replicas") or 0
    needed = []
    for d in claim.get("decision") or []:
        if d.get("verdict") != INCONCLUSIVE:
            continue
        options = []
        for prefix, bound in (("", d.get("reproduced_if")), ("not_" if "not_value" in d else "", d.get("not_reproduced_if"))):
            value, ci = d.get(f"{prefix}value"), d.get(f"{prefix}ci95")
            if bound is None or value is None or not ci or None in ci:
                continue
            n = _runs_needed(value, ci, bound, replicas)
            if n is not None:
                options.append(n)
        needed.append(min(options) if options else None)
    if not needed or replicas < 2:
        return "no interval over runs to extrapolate from"
    if None in needed:
        return (
            f"no ensemble size decides it while the mean stays where it is: the deciding value lies on a bound or "
            f"between the reproducing and not-reproducing bounds (the minimum effect), with {replicas} runs"
        )
    n = max(needed)
    laptop = "within a laptop's reach" if n <= 2000 else "beyond a laptop's reach at this figure's cost"
    return f"about {n} runs would put the interval clear of the bound (now {replicas}; the spread shrinking as 1/√runs): {laptop}"


def finding(committed, runs):
    """The finding of one claim: `committed` its committed record's verdict and deciding value
    ({"verdict", "deciding", "replicas", "decision"...} as claim_row builds it), `runs` its variant rows
    ({"variant", "size": whether the variant changes only the ensemble size or run length, "verdict",
    "deciding", "conditional"}). Returns {"kind", "text"}."""
    base = committed["verdict"]
    undefined = [r for r in runs if r["verdict"] == UNDEFINED]
    differing = [r for r in runs if r["verdict"] not in (UNDEFINED, base) and not (r["size"] and base == INCONCLUSIVE)]
    notes = [_undefined_note(r) for r in undefined]
    if base == UNDEFINED:
        kind, text = UNDEFINED_UNDER, "undefined under the committed choices: " + _conditional(committed)
        if differing:
            text += "; " + "; ".join(f"{r['variant']}: {r['verdict']}, {describe(r['deciding'])}" for r in differing)
    elif differing:
        kind = DEPENDS
        names = ", ".join(dict.fromkeys(r["variant"] for r in differing))
        others = "; ".join(f"{r['variant']}: {r['verdict']}, {describe(r['deciding'])}" for r in differing)
        text = f"depends on {names}: {base} as committed ({describe(committed['deciding'])}), but {others}"
    elif base == INCONCLUSIVE:
        kind = UNDETERMINED
        larger = [f"{r['variant']}: {r['verdict']}, {describe(r['deciding'])}" for r in runs if r["size"] and r["verdict"] != UNDEFINED]
        # Inconclusive: the interval crosses a bound or lies between them. Variants of the ensemble size or run
        # length may decide it (shown after the power statement); those of every other choice did not.
        text = (
            f"undetermined at this size: inconclusive as committed ({describe(committed['deciding'])}) and under every "
            "variant of another choice that gives a defined verdict"
        )
        text += f"; {committed['power']}"
        if larger:
            text += "; at other sizes: " + "; ".join(larger)
    elif undefined:
        kind = UNDEFINED_UNDER
        names = ", ".join(r["variant"] for r in undefined)
        text = f"undefined under {names}; {base} as committed ({describe(committed['deciding'])}) and under every other variant"
    else:
        kind = ROBUST
        text = f"robust: {base} as committed ({describe(committed['deciding'])}) and under every variant"
    if notes:
        text += "; " + "; ".join(notes)
    return {"kind": kind, "text": text}


def _undefined_note(run):
    return f"undefined under {run['variant']}: {_conditional(run)}"


def _conditional(row):
    conditional = row.get("conditional")
    if conditional is None:
        return f"{describe(row['deciding'])}; its replicas were not read again (no npz here)"
    if "verdict" not in conditional:
        return f"{describe(row['deciding'])}; {conditional['why']}"
    return f"{conditional['why']}: {conditional['verdict']}, {describe(conditional['deciding'])} (conditional reading, not counted)"


def claim_view(claim):
    """What a finding reads of a claim record: verdict, deciding value, runs, and the conditional reading
    over the finite replicas of an undefined claim."""
    view = {"verdict": claim["verdict"], "deciding": deciding(claim), "replicas": claim.get("replicas")}
    conditional = claim.get("conditional")
    if conditional is not None:
        view["conditional"] = {"why": conditional["why"]}
        if "verdict" in conditional:
            view["conditional"].update(verdict=conditional["verdict"], deciding=deciding(conditional))
    return view
