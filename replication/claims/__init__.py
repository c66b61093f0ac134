"""The papers' claims as data: every check measures a value and hands it to a threshold object from
thresholds.py, which decides the verdict and writes the criterion stored with it.

Figure configs name a check per claim under the key "test"; CHECKS maps those names to the checks.
"""

from .. import stats
from ..settings import NONE, fits, type_names
from . import aging, dynamics, features, kernels
from .measurement import diagnostics
from .verdicts import INCONCLUSIVE, NOT_REPRODUCED, REPRODUCED

__all__ = ["CHECKS", "CLAIM", "INCONCLUSIVE", "NOT_REPRODUCED", "REPRODUCED", "check_claims", "diagnostics", "evaluate_claims"]

CHECKS = {
    "power_law": aging.check_power_law,
    "plateau": aging.check_plateau,
    "exponent_differs": aging.check_exponent_differs,
    "exponent_matches": aging.check_exponent_matches,
    "faster_decay": aging.check_faster_decay,
    "power_law_less_clear": aging.check_power_law_less_clear,
    "kernel_decreasing": kernels.check_kernel_decreasing,
    "peak_shift": kernels.check_peak_shift,
    "kernel_sign": kernels.check_kernel_sign,
    "s_curve": kernels.check_s_curve,
    "kernel_variability": kernels.check_kernel_variability,
    "kernel_broader": kernels.check_kernel_broader,
    "kernel_linear": kernels.check_kernel_linear,
    "kernel_slope_trend": kernels.check_kernel_slope_trend,
    "kernel_drift": kernels.check_kernel_drift,
    "image_kernel_decreasing": kernels.check_image_kernel_decreasing,
    "pair_difference_differs": dynamics.check_pair_difference_differs,
    "pair_aging_enhanced": dynamics.check_pair_aging_enhanced,
    "pair_aging_limited": dynamics.check_pair_aging_limited,
    "group_move": dynamics.check_group_move,
    "meanfield_agreement": dynamics.check_meanfield_agreement,
    "feature_trend": features.check_feature_trend,
    "dead_fraction": features.check_dead_fraction,
    "delta_function": features.check_delta_function,
}

# What a claim of a figure may say: its text, its check (a name in CHECKS) and the check's parameters.
CLAIM = {
    "claim": str,
    "test": str,
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
    "path": (list, tuple),
    "batch_size": int,
}


def check_claims(fig):
    """Refuses (ValueError) a figure whose claims hold an unknown parameter, a value of the wrong type,
    a check that does not exist or a variant the figure does not have."""
    labels = [v.get("label", "") for v in fig.variants] or [""]
    for claim in fig.claims:
        text = claim.get("claim", "?")
        for key, value in claim.items():
            if key not in CLAIM:
                raise ValueError(f"{fig.id}: claim {text!r} has an unknown parameter {key!r}; valid: {', '.join(CLAIM)}")
            if not fits(value, CLAIM[key]):
                raise ValueError(f"{fig.id}: claim {text!r}: {key} = {value!r} is a {type(value).__name__}; it takes {type_names(CLAIM[key])}")
        if claim.get("test") not in CHECKS:
            raise ValueError(f"{fig.id}: claim {text!r} names no known check ({claim.get('test')!r}); use one of {', '.join(CHECKS)}")
        # A variant's own Figure (variant_configs) has no variants but keeps the figure's claims.
        if fig.variants and claim.get("variant", "") not in labels:
            raise ValueError(f"{fig.id}: claim {text!r} is about variant {claim['variant']!r}; the figure's are {labels}")


def evaluate_claims(claims, runs, references=None, resamples=stats.BOOTSTRAP_RESAMPLES):
    """One json-ready record per claim: the claim, the quantity, its value with 95% bootstrap
    intervals over replicas (`ci95`, per scalar), the criterion, the verdict.

    `runs` maps each variant label to its arrays (a plain dict of arrays stands for the one variant "");
    `references` maps figure ids to their loaded results, for claims that compare against another figure.
    """
    if "epoch" in runs:
        runs = {"": runs}
    references = references or {}
    records = []
    for claim in claims:
        params = {k: v for k, v in claim.items() if k not in ("claim", "test")}
        if "reference" in params:
            reference = references.get(params["reference"])
        else:
            # A reference variant without a reference figure is another variant of this figure.
            reference = runs if "reference_variant" in params else None
        data = runs[params.get("variant", "")]
        check = CHECKS[claim["test"]]
        quantity, value, criterion, verdict = check(data, params, reference)
        records.append(
            {
                "claim": claim["claim"],
                "test": claim["test"],
                "parameters": params,
                "quantity": quantity,
                "value": value,
                "ci95": stats.bootstrap_intervals(check, data, params, reference, resamples),
                "replicas": stats.replica_count(data),
                "criterion": criterion,
                "verdict": verdict,
            }
        )
    return records
