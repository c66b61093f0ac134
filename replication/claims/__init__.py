"""The papers' claims as data: every check measures and names the values that decide it, each with a
Band from thresholds.py; verdicts.decide judges them by their 95% intervals over runs.

Figure configs name a check per claim under the key "test"; CHECKS maps those names to the checks.
Each claim quotes the paper's sentence it tests ("quote") and says how its words are read into a
measurement ("reading"); where the words admit another reading, "secondary" names it (a check and its
parameters), evaluated and stored beside the claim but never counted. A claim the papers do not make
(this replication's own addition) carries "extension": the reason, and is counted apart.
"""

import numpy as np

from .. import stats
from ..settings import NONE, fits, type_names
from . import aging, dynamics, features, kernels, theory
from .common import compared_with, no_runs
from .measurement import diagnostics
from .verdicts import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED, UNDEFINED, VERDICTS, decide

__all__ = [
    "CHECKS",
    "CLAIM",
    "INCONCLUSIVE",
    "NOT_REPRODUCED",
    "REPRODUCED",
    "UNDEFINED",
    "VERDICTS",
    "check_claims",
    "conditional_reading",
    "parameters",
    "reference_for",
    "diagnostics",
    "evaluate_claims",
]

CHECKS = {
    "power_law": aging.check_power_law,
    "plateau": aging.check_plateau,
    "target_unreached": aging.check_target_unreached,
    "exponent_differs": aging.check_exponent_differs,
    "exponent_matches": aging.check_exponent_matches,
    "faster_decay": aging.check_faster_decay,
    "faster_plateau": aging.check_faster_plateau,
    "power_law_less_clear": aging.check_power_law_less_clear,
    "kernel_decreasing": kernels.check_kernel_decreasing,
    "peak_shift": kernels.check_peak_shift,
    "peak_trend": kernels.check_peak_trend,
    "kernel_sign": kernels.check_kernel_sign,
    "s_curve": kernels.check_s_curve,
    "kernel_variability": kernels.check_kernel_variability,
    "kernel_broader": kernels.check_kernel_broader,
    "kernel_linear": kernels.check_kernel_linear,
    "kernel_slope_trend": kernels.check_kernel_slope_trend,
    "kernel_slope_change": kernels.check_kernel_slope_change,
    "kernel_slope_smaller": kernels.check_kernel_slope_smaller,
    "kernel_drift": kernels.check_kernel_drift,
    "image_kernel_decreasing": kernels.check_image_kernel_decreasing,
    "image_kernel_not_linear": kernels.check_image_kernel_not_linear,
    "isolated_responses": kernels.check_isolated_responses,
    "pair_difference_differs": dynamics.check_pair_difference_differs,
    "pair_aging_enhanced": dynamics.check_pair_aging_enhanced,
    "pair_aging_limited": dynamics.check_pair_aging_limited,
    "group_move": dynamics.check_group_move,
    "group_side": dynamics.check_group_side,
    "meanfield_agreement": dynamics.check_meanfield_agreement,
    "trajectories_match": dynamics.check_trajectories_match,
    "feature_trend": features.check_feature_trend,
    "dead_fraction": features.check_dead_fraction,
    "delta_function": features.check_delta_function,
    "response_less": features.check_response_less,
    "survivors_at_x_o": features.check_survivors_at_x_o,
    "irreversible_loss": features.check_irreversible_loss,
    "eq19": theory.check_eq19,
    "eq20": theory.check_eq20,
    "eq20_constant": theory.check_eq20_constant,
    "eq21_constant": theory.check_eq21_constant,
    "peak_mechanism": theory.check_peak_mechanism,
    "negative_share": theory.check_negative_share,
}

# What a claim of a figure may say: its text, its check (a name in CHECKS) and the check's parameters.
CLAIM = {
    "claim": str,
    "test": str,
    "quote": str,
    "reading": str,
    "extension": str,
    "secondary": dict,
    "variant": str,
    "reference": (str, NONE),
    "reference_variant": str,
    "window": tuple,
    "kind": str,
    "expect": (bool, str),
    "expect_clear": bool,
    "direction": str,
    "at_least": float,
    "fail_below": float,
    "max_epoch": int,
    "near": int,
    "group": int,
    "point": int,
    "path": (list, tuple),
    "batch_size": int,
}


def check_claims(fig):
    """Refuses (ValueError) a figure whose claims hold an unknown parameter, a value of the wrong type,
    a check that does not exist or a variant the figure does not have."""
    labels = [v.get("label", "") for v in fig.variants] or [""]
    for claim in fig.claims:
        text = claim.get("claim", "?")
        secondary = claim.get("secondary", {})
        owned = sorted(set(secondary) & {"claim", "quote", "extension", "secondary"})
        if owned:
            raise ValueError(f"{fig.id}: claim {text!r}: a secondary reading has a test, a reading and parameters; its {owned[0]} is the claim's")
        for key, value in [*claim.items(), *secondary.items()]:
            if key not in CLAIM:
                raise ValueError(f"{fig.id}: claim {text!r} has an unknown parameter {key!r}; valid: {', '.join(CLAIM)}")
            if not fits(value, CLAIM[key]):
                raise ValueError(f"{fig.id}: claim {text!r}: {key} = {value!r} is a {type(value).__name__}; it takes {type_names(CLAIM[key])}")
        for test in (claim.get("test"), *([claim["secondary"].get("test")] if "secondary" in claim else [])):
            if test not in CHECKS:
                raise ValueError(f"{fig.id}: claim {text!r} names no known check ({test!r}); use one of {', '.join(CHECKS)}")
        # A variant's own Figure (variant_configs) has no variants but keeps the figure's claims.
        if fig.variants and claim.get("variant", "") not in labels:
            raise ValueError(f"{fig.id}: claim {text!r} is about variant {claim['variant']!r}; the figure's are {labels}")


# What a claim holds besides its check's parameters.
_ABOUT = ("claim", "test", "quote", "reading", "extension", "secondary")
# What a secondary reading takes from its claim: the data it reads and what it expects; its other
# parameters are its own.
_SHARED_WITH_SECONDARY = ("variant", "kind", "reference", "reference_variant", "expect")


def _judged(test, params, data, reference, resamples):
    """The record of one reading of a claim: what was measured, its intervals, how it was decided."""
    check = CHECKS[test]
    replicas = stats.replica_count(data)
    reading = check(data, params, reference) if replicas else no_runs()
    if replicas >= stats.BOOTSTRAP_MIN_REPLICAS and resamples >= 1:
        ci95, why = stats.bootstrap_intervals(check, data, params, reference, resamples), None
    elif resamples < 1:
        ci95, why = None, "no resampling asked for"
    else:
        ci95, why = None, f"{replicas} run(s); a bootstrap over runs needs at least {stats.BOOTSTRAP_MIN_REPLICAS}"
    verdict, decisions, criterion = decide(reading, ci95, why)
    return {
        "test": test,
        "parameters": params,
        "quantity": reading.quantity,
        "value": reading.value,
        "ci95": ci95 or {},
        "replicas": replicas,
        "criterion": criterion,
        "decision": decisions,
        "verdict": verdict,
    }


def conditional_reading(test, params, data, reference, resamples=stats.BOOTSTRAP_RESAMPLES):
    """Why an undefined claim is undefined in terms of its replicas (stats.undefined_replicas), and, when
    some replicas' numbers are all defined and some are not, its reading over the defined ones: a
    conditional reading, shown beside the verdict and never counted. A comparison without its reference is
    undefined for that reason alone."""
    if reference is None and (params.get("reference") or params.get("reference_variant")):
        return {"why": f"its reference, {compared_with(params)}, has no results here", "left_out": 0}
    replicas = stats.replica_count(data) if data else 0
    if not replicas:
        return {"why": "no runs", "left_out": 0}
    reasons = stats.undefined_replicas(data)
    undefined = np.zeros(replicas, bool)
    for _, mask in reasons:
        undefined |= mask
    left_out = int(undefined.sum())
    if not left_out:
        why = "every replica's numbers are defined: the value is undefined in the claim's own arithmetic or data it compares with"
        return {"why": why, "left_out": 0}
    why = "; ".join(f"{int(mask.sum())} of {replicas} replicas {reason}" for reason, mask in reasons)
    if left_out == replicas:
        return {"why": why, "left_out": left_out}
    judged = _judged(test, params, stats.resample_replicas(data, np.flatnonzero(~undefined)), reference, resamples)
    return {
        "why": f"{why}; the reading over the other {replicas - left_out}",
        "left_out": left_out,
        **{k: judged[k] for k in ("quantity", "value", "ci95", "replicas", "decision", "verdict")},
    }


def parameters(claim):
    """A claim's check parameters: the claim without what it holds besides them (its words, test, reading)."""
    return {k: v for k, v in claim.items() if k not in _ABOUT}


def reference_for(params, runs, references):
    """What a claim with `params` compares against: the reference figure's loaded results (`references`
    by figure id), another variant of its own figure's `runs`, or None (no comparison, or its runs are
    not there: then the comparison is undefined)."""
    if "reference" in params:
        reference = references.get(params["reference"])
    else:
        # A reference variant without a reference figure is another variant of this figure.
        reference = runs if "reference_variant" in params else None
    if reference is not None and params.get("reference_variant", "") not in reference:
        return None
    return reference


def evaluate_claims(claims, runs, references=None, resamples=stats.BOOTSTRAP_RESAMPLES):
    """One json-ready record per claim: the claim, its quote, reading and extension mark, the quantity,
    its value with 95% bootstrap intervals over replicas (`ci95`, per scalar), the criterion, the
    decision (each deciding value, its interval, bounds and effect size) and the verdict; and, for a
    claim with a secondary reading, the same for that reading under "secondary" (never counted).

    `runs` maps each variant label to its arrays (a plain dict of arrays stands for the one variant "");
    `references` maps figure ids to their loaded results, for claims that compare against another figure.
    """
    if "epoch" in runs:
        runs = {"": runs}
    references = references or {}
    records = []
    for claim in claims:
        params = parameters(claim)
        reference = reference_for(params, runs, references)
        data = runs[params.get("variant", "")]
        record = {
            "claim": claim["claim"],
            "quote": claim.get("quote"),
            "reading": claim.get("reading"),
            "extension": claim.get("extension"),
            **_judged(claim["test"], params, data, reference, resamples),
        }
        if record["verdict"] == UNDEFINED:
            record["conditional"] = conditional_reading(claim["test"], params, data, reference, resamples)
        if "secondary" in claim:
            other = claim["secondary"]
            own = {k: v for k, v in other.items() if k not in _ABOUT}
            inherited = {k: params[k] for k in _SHARED_WITH_SECONDARY if k in params}
            record["secondary"] = {"reading": other.get("reading"), **_judged(other["test"], {**inherited, **own}, data, reference, resamples)}
        records.append(record)
    return records
