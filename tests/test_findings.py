"""What a claim's verdicts under the robustness variants mean (replication/findings.py): the value that
decides a claim record, the power statement of an inconclusive one, and the finding of each of the four
kinds, built from hand-made claim records in the shape claims.evaluate_claims writes them (the
"decision" lists of results/nakazato2024/fig1.json) and read through study.claim_rows as the study does."""

import math

import pytest

from training_response.replication import findings
from training_response.replication.findings import deciding, describe, finding, power
from training_response.replication.robustness import HE_NORMAL, KERNEL_5, SLOW, Variant, larger
from training_response.replication.study import claim_rows, counts

R, NR, INC, U = "reproduced", "not reproduced", "inconclusive", "undefined"


def _bound(op, limit, center=None):
    return {"op": op, "limit": limit, **({"center": center} if center is not None else {})}


def _decision(quantity, value, ci95, reproduced_if, not_reproduced_if, verdict, not_=None):
    """One deciding value as verdicts.decide writes it; `not_` = (not_quantity, not_value, not_ci95)."""
    record = {"quantity": quantity, "value": value, "ci95": ci95}
    if not_ is not None:
        record.update(not_quantity=not_[0], not_value=not_[1], not_ci95=not_[2])
    return {**record, "reproduced_if": reproduced_if, "not_reproduced_if": not_reproduced_if, "effect_size": None, "verdict": verdict}


def _tau(value, ci, verdict):
    return _decision("tau", value, ci, _bound(">", 0), _bound("<=", 0), verdict)


def _r2(value, ci, verdict):
    return _decision("r2", value, ci, _bound(">=", 0.95), _bound("<", 0.8), verdict)


def _rho(largest, largest_ci, median, median_ci, verdict):
    """2024-fig1's kernel claim: the largest ρ decides reproducing, the median ρ not reproducing."""
    return _decision("largest_rho", largest, largest_ci, _bound("<=", -0.8), _bound(">", -0.5), verdict, not_=("median_rho", median, median_ci))


def _claim(verdict, decision, replicas=20, conditional=None, text="the response decays along a power law"):
    """A claim record as claims.evaluate_claims writes it (what findings reads of it)."""
    record = {"claim": text, "parameters": {}, "verdict": verdict, "replicas": replicas, "decision": decision}
    if conditional is not None:
        record["conditional"] = conditional
    return record


# What claims.conditional_reading says of an undefined claim whose replicas' numbers are all defined.
DEFINED = "every replica's numbers are defined: the value is undefined in the claim's own arithmetic or data it compares with"


def _conditional(verdict, decision, left_out=1, replicas=20):
    """The reading over the defined replicas that claims.conditional_reading adds to an undefined claim
    when some but not all of its replicas hold a non-finite measurement."""
    kept = replicas - left_out
    return {
        "why": f"{left_out} of {replicas} replicas hold a non-finite measurement; the reading over the other {kept}",
        "left_out": left_out,
        "quantity": "q",
        "value": {},
        "ci95": {},
        "replicas": kept,
        "decision": decision,
        "verdict": verdict,
    }


def _row(committed, variants):
    """study.claim_rows' one row for a figure of one claim: `variants` [(Variant, claim record or None)]."""
    records = [(variant, None if claim is None else {"claims": [claim]}) for variant, claim in variants]
    [row] = claim_rows("2024-fig1", {"claims": [committed]}, records)
    return row


# The committed 2024-fig1 power law (results/nakazato2024/fig1.json): tau = 1.01 [1.01, 1.02], R² = 1.
POWER_LAW = _claim(R, [_tau(1.0120288116981675, [1.007665936066886, 1.0159424673436759], R), _r2(0.9999265451554166, [0.9997579180005425, 0.9999578277135418], R)])
# Its kernel claim: the largest ρ −0.733 [−0.767, −0.733] crosses −0.8; inconclusive.
KERNELS = _claim(INC, [_rho(-0.7333333333333334, [-0.7666666666666667, -0.7333333333333334], -0.8333333333333333, [-0.8666666666666667, -0.8333333333333333], INC)],
                 text="the response kernels decrease with the Hamming distance")


# deciding / describe


def test_the_deciding_value_is_the_first_decision_whose_verdict_is_the_claims():
    assert deciding(POWER_LAW) == {"quantity": "tau", "value": 1.0120288116981675, "ci95": [1.007665936066886, 1.0159424673436759]}
    # Inconclusive through R² while τ reproduces: R² decides it.
    claim = _claim(INC, [_tau(0.5, [0.4, 0.6], R), _r2(0.9, [0.85, 0.97], INC)])
    assert deciding(claim) == {"quantity": "r2", "value": 0.9, "ci95": [0.85, 0.97]}
    # Undefined through τ (a NaN stored as json null) while R² reproduces.
    claim = _claim(U, [_r2(0.99, [0.98, 1.0], R), _tau(None, [None, None], U)])
    assert deciding(claim) == {"quantity": "tau", "value": None, "ci95": [None, None]}
    # No decision (an older record): no deciding value.
    assert deciding({"verdict": R, "decision": []}) is None and deciding({"verdict": R}) is None


def test_a_claim_not_reproduced_by_its_not_value_shows_the_not_quantity():
    """The largest ρ (−0.6) would be inconclusive alone; the median ρ (−0.3) lies wholly above −0.5 and
    fails the claim: that is the number shown. Reproduced or inconclusive, the largest ρ is."""
    failed = _claim(NR, [_rho(-0.6, [-0.7, -0.55], -0.3, [-0.35, -0.25], NR)])
    assert deciding(failed) == {"quantity": "median_rho", "value": -0.3, "ci95": [-0.35, -0.25]}
    assert deciding(KERNELS)["quantity"] == "largest_rho"
    assert deciding(_claim(R, [_rho(-0.9, [-0.95, -0.85], -0.9, [-0.95, -0.85], R)]))["quantity"] == "largest_rho"
    # Not reproduced by a value without a not-reproducing one of its own: the value itself.
    assert deciding(_claim(NR, [_tau(-0.2, [-0.3, -0.1], NR)]))["quantity"] == "tau"


def test_describe_renders_the_value_and_its_interval():
    assert describe(deciding(POWER_LAW)) == "tau = 1.01 [1.01, 1.02]"
    assert describe({"quantity": "tau_gap", "value": 0.09184768694233081, "ci95": None}) == "tau_gap = 0.0918"
    assert describe({"quantity": "tau", "value": None, "ci95": [None, None]}) == "tau = NaN [NaN, NaN]"
    assert describe(None) == "no deciding value"


# power / _runs_needed, against hand arithmetic


def _inconclusive(value, ci, reproduced_if, not_reproduced_if, replicas=20):
    return _claim(INC, [_decision("x", value, ci, reproduced_if, not_reproduced_if, INC)], replicas=replicas)


def test_runs_needed_by_hand():
    """The interval's half-width on the bound's side shrinks as 1/√runs: runs × (width / gap)²."""
    # 0.5 [0.3, 0.7] and >= 0.45: width 0.2, gap 0.05: 20 × 4² = 320.
    assert findings._runs_needed(0.5, [0.3, 0.7], _bound(">=", 0.45), 20) == 320
    # <= 0.2 from 0.1 [0.0, 0.3]: the upper width 0.2 against the gap 0.1: 20 × 2² = 80.
    assert findings._runs_needed(0.1, [0.0, 0.3], _bound("<=", 0.2), 20) == 80
    # Within ±0.05 of 0 from 0.02 [−0.03, 0.07]: both sides; the upper (0.05 against 0.03) needs
    # ⌈20 × (5/3)²⌉ = ⌈55.6⌉ = 56, the lower (0.05 against 0.07) ⌈10.2⌉ = 11: the larger, 56.
    assert findings._runs_needed(0.02, [-0.03, 0.07], _bound("within", 0.05, 0.0), 20) == 56
    # Farther than 0.15 from 0: above it, 0.2 [0.1, 0.3] needs its lower width 0.1 against the gap 0.05:
    # 20 × 2² = 80; below it, −0.2 [−0.25, −0.1] its upper width 0.1 against 0.05: 80 too.
    assert findings._runs_needed(0.2, [0.1, 0.3], _bound("outside", 0.15, 0.0), 20) == 80
    assert findings._runs_needed(-0.2, [-0.25, -0.1], _bound("outside", 0.15, 0.0), 20) == 80
    # A value not inside the bound (or on it): no size decides it.
    assert findings._runs_needed(0.1, [-0.1, 0.3], _bound("outside", 0.15, 0.0), 20) is None
    assert findings._runs_needed(0.45, [0.3, 0.6], _bound(">=", 0.45), 20) is None
    assert findings._runs_needed(0.3, [0.1, 0.5], _bound(">=", 0.45), 20) is None


def test_power_names_the_runs_an_inconclusive_claim_needs():
    claim = _inconclusive(0.5, [0.3, 0.7], _bound(">=", 0.45), _bound("<", 0.2))
    text = power(claim)
    assert text.startswith("about 320 runs would put the interval clear of the bound (now 20;") and text.endswith("within a laptop's reach")
    # Toward the not-reproducing bound: 0.1 [−0.1, 0.3] and < 0.2 needs 20 × (0.2 / 0.1)² = 80.
    assert power(_inconclusive(0.1, [-0.1, 0.3], _bound(">=", 0.45), _bound("<", 0.2))).startswith("about 80 runs")
    # Far from the bound: 0.46 [0.3, 0.62] needs 20 × (0.16 / 0.01)² = 5120, beyond a laptop's reach.
    assert power(_inconclusive(0.46, [0.3, 0.62], _bound(">=", 0.45), _bound("<", 0.2))).startswith("about 5120 runs")
    assert power(_inconclusive(0.46, [0.3, 0.62], _bound(">=", 0.45), _bound("<", 0.2))).endswith("beyond a laptop's reach at this figure's cost")


def test_power_of_a_value_between_the_bounds_says_no_size_decides_it():
    """0.3 lies between the reproducing bound (>= 0.45) and the not-reproducing one (< 0.2): a narrower
    interval around it never lies inside either."""
    text = power(_inconclusive(0.3, [0.1, 0.5], _bound(">=", 0.45), _bound("<", 0.2)))
    assert text.startswith("no ensemble size decides it while the mean stays where it is") and "with 20 runs" in text
    # The kernel claim's largest ρ (−0.733) lies between −0.8 and −0.5, and its median ρ (−0.833, read by
    # the not-reproducing bound > −0.5) is not above −0.5: no size decides it either.
    assert power(KERNELS).startswith("no ensemble size decides it")


def test_power_without_an_interval_over_runs():
    assert power(_inconclusive(0.5, None, _bound(">=", 0.45), _bound("<", 0.2), replicas=1)) == "no interval over runs to extrapolate from"
    assert power(_inconclusive(0.5, [0.3, 0.7], _bound(">=", 0.45), _bound("<", 0.2), replicas=1)) == "no interval over runs to extrapolate from"
    assert power(_claim(INC, [])) == "no interval over runs to extrapolate from"


def test_power_of_a_claim_decided_by_several_values_is_the_slowest():
    """Two inconclusive values: the one needing more runs decides how many; a reproduced one is left out."""
    claim = _claim(INC, [
        _decision("a", 0.5, [0.3, 0.7], _bound(">=", 0.45), _bound("<", 0.2), INC),  # 320
        _decision("b", 0.1, [0.0, 0.3], _bound("<=", 0.2), _bound(">", 0.5), INC),  # 80
        _decision("c", 2.0, [1.9, 2.1], _bound(">=", 1.0), _bound("<", 0.0), R),
    ])
    assert power(claim).startswith("about 320 runs")


# finding: the four kinds, through study.claim_rows


def test_the_same_firm_verdict_under_every_variant_is_robust():
    same = _claim(R, [_tau(0.9, [0.8, 1.0], R), _r2(0.99, [0.98, 1.0], R)])
    row = _row(POWER_LAW, [(KERNEL_5, same), (larger(20), same)])
    assert row["finding"] == {"kind": "robust", "text": "robust: reproduced as committed (tau = 1.01 [1.01, 1.02]) and under every variant"}
    assert [r["variant"] for r in row["runs"]] == ["kernel size 5", "5× runs (100)"] and [r["size"] for r in row["runs"]] == [False, True]
    failed = _claim(NR, [_tau(-0.2, [-0.3, -0.1], NR)])
    assert _row(failed, [(HE_NORMAL, failed)])["finding"]["kind"] == "robust"
    # A variant that did not run (None) is no evidence either way.
    assert _row(POWER_LAW, [(KERNEL_5, None)])["runs"] == [] and _row(POWER_LAW, [(KERNEL_5, None)])["finding"]["kind"] == "robust"


def test_a_variant_with_another_defined_verdict_is_a_dependence_named_with_its_value():
    he = _claim(INC, [_tau(0.00873, [-0.754, 0.816], INC), _r2(0.99, [0.98, 1.0], R)])
    row = _row(POWER_LAW, [(HE_NORMAL, he), (SLOW, POWER_LAW)])
    assert row["finding"]["kind"] == "depends"
    assert row["finding"]["text"] == (
        "depends on He-normal init: reproduced as committed (tau = 1.01 [1.01, 1.02]), but He-normal init: inconclusive, "
        "tau = 0.00873 [-0.754, 0.816]"
    )
    # Two variants that change it are both named, in the plan's order.
    failed = _claim(NR, [_tau(-0.2, [-0.3, -0.1], NR)])
    text = _row(POWER_LAW, [(KERNEL_5, failed), (SLOW, POWER_LAW), (HE_NORMAL, he)])["finding"]["text"]
    assert text.startswith("depends on kernel size 5, He-normal init: reproduced as committed") and "kernel size 5: not reproduced, tau = -0.2 [-0.3, -0.1]" in text
    assert "η = 0.01" not in text


def test_a_committed_inconclusive_claim_that_a_choice_decides_depends_on_it():
    he = _claim(R, [_rho(-0.85, [-0.9, -0.82], -0.9, [-0.95, -0.85], R)], text=KERNELS["claim"])
    row = _row(KERNELS, [(HE_NORMAL, he)])
    assert row["finding"]["kind"] == "depends"
    assert "inconclusive as committed (largest_rho = -0.733 [-0.767, -0.733])" in row["finding"]["text"]
    assert "He-normal init: reproduced, largest_rho = -0.85 [-0.9, -0.82]" in row["finding"]["text"]


def test_a_larger_ensemble_that_decides_an_inconclusive_claim_is_no_dependence():
    """The ensemble size is no choice of how to run the experiment but of how much of it: a larger run that
    decides what the committed one left open leaves the claim undetermined at the committed size, with
    the larger run's verdict and value shown."""
    bigger = _claim(R, [_rho(-0.85, [-0.87, -0.82], -0.9, [-0.92, -0.88], R)], replicas=100, text=KERNELS["claim"])
    still = _claim(INC, [_rho(-0.74, [-0.77, -0.73], -0.83, [-0.86, -0.8], INC)], text=KERNELS["claim"])
    row = _row(KERNELS, [(HE_NORMAL, still), (larger(20), bigger)])
    assert row["finding"]["kind"] == "undetermined"
    text = row["finding"]["text"]
    assert text.startswith("undetermined at this size: inconclusive as committed (largest_rho = -0.733 [-0.767, -0.733]) and under every variant of another choice")
    assert text.endswith("; at other sizes: 5× runs (100): reproduced, largest_rho = -0.85 [-0.87, -0.82]") and "depends" not in text
    assert row["committed"]["power"] in text
    # The same larger run under a firm committed verdict is a variant like any other: not reproduced
    # with 20 runs and reproduced with 100 depends on the ensemble size.
    failed = _claim(NR, [_rho(-0.6, [-0.7, -0.55], -0.3, [-0.35, -0.25], NR)], text=KERNELS["claim"])
    assert _row(failed, [(larger(20), bigger)])["finding"]["kind"] == "depends"


def test_an_inconclusive_claim_under_every_variant_is_undetermined_with_its_power():
    claim = _inconclusive(0.5, [0.3, 0.7], _bound(">=", 0.45), _bound("<", 0.2))
    row = _row(claim, [(HE_NORMAL, _inconclusive(0.48, [0.2, 0.7], _bound(">=", 0.45), _bound("<", 0.2))), (larger(20), claim)])
    assert row["committed"]["power"].startswith("about 320 runs")
    assert row["finding"]["kind"] == "undetermined"
    assert row["finding"]["text"].startswith("undetermined at this size: inconclusive as committed (x = 0.5 [0.3, 0.7])")
    assert "about 320 runs would put the interval clear of the bound (now 20;" in row["finding"]["text"]
    assert row["finding"]["text"].endswith("; at other sizes: 5× runs (100): inconclusive, x = 0.5 [0.3, 0.7]")


def test_undefined_under_a_variant_is_never_a_dependence_and_shows_its_conditional_reading():
    """He-normal leaves τ NaN in one of 20 runs; over the other 19 τ fails the claim. The claim is
    undefined under He-normal, not a dependence on it: the conditional reading is shown, never counted."""
    conditional = _conditional(NR, [_tau(-0.1, [-0.2, -0.05], NR)])
    he = _claim(U, [_tau(None, [None, None], U), _r2(0.99, [0.98, 1.0], R)], conditional=conditional)
    row = _row(POWER_LAW, [(HE_NORMAL, he), (KERNEL_5, POWER_LAW)])
    assert row["runs"][0]["conditional"] == {"why": conditional["why"], "verdict": NR, "deciding": {"quantity": "tau", "value": -0.1, "ci95": [-0.2, -0.05]}}
    assert row["finding"]["kind"] == "undefined"
    text = row["finding"]["text"]
    assert text.startswith("undefined under He-normal init; reproduced as committed (tau = 1.01 [1.01, 1.02]) and under every other variant")
    assert "depends" not in text
    assert (f"undefined under He-normal init: {conditional['why']}: not reproduced, tau = -0.1 [-0.2, -0.05] (conditional reading, "
            "not counted)") in text
    # Without a conditional (a record whose npz was not here to read its replicas again), the finding says so.
    bare = _row(POWER_LAW, [(HE_NORMAL, _claim(U, [_tau(None, [None, None], U)]))])
    assert "conditional" not in bare["runs"][0]
    assert bare["finding"]["kind"] == "undefined"
    assert "undefined under He-normal init: tau = NaN [NaN, NaN]; its replicas were not read again (no npz here)" in bare["finding"]["text"]
    # A conditional without a reading (every replica's numbers defined, or none): its why beside the value,
    # and the view holds the why alone.
    why_only = _claim(U, [_tau(None, [None, None], U)], conditional={"why": DEFINED, "left_out": 0})
    plain = _row(POWER_LAW, [(HE_NORMAL, why_only)])
    assert plain["runs"][0]["conditional"] == {"why": DEFINED}
    assert plain["finding"]["kind"] == "undefined"
    assert plain["finding"]["text"].endswith(f"; undefined under He-normal init: tau = NaN [NaN, NaN]; {DEFINED}")
    assert "conditional reading" not in plain["finding"]["text"]
    every = _claim(U, [_tau(None, [None, None], U)], conditional={"why": "20 of 20 replicas hold a non-finite measurement", "left_out": 20})
    assert _row(POWER_LAW, [(HE_NORMAL, every)])["finding"]["text"].endswith(
        "undefined under He-normal init: tau = NaN [NaN, NaN]; 20 of 20 replicas hold a non-finite measurement"
    )


def test_an_undefined_variant_beside_a_dependence_and_an_undetermined_claim():
    """The undefined variant is noted, never the differing one: the dependence is on the variant with a
    defined verdict, and an inconclusive claim stays undetermined."""
    undefined = _claim(U, [_tau(None, [None, None], U)], conditional=_conditional(NR, [_tau(-0.1, [-0.2, -0.05], NR)]))
    failed = _claim(NR, [_tau(-0.2, [-0.3, -0.1], NR)])
    row = _row(POWER_LAW, [(HE_NORMAL, undefined), (KERNEL_5, failed)])
    assert row["finding"]["kind"] == "depends" and row["finding"]["text"].startswith("depends on kernel size 5: ")
    assert "undefined under He-normal init: " in row["finding"]["text"]
    claim = _inconclusive(0.5, [0.3, 0.7], _bound(">=", 0.45), _bound("<", 0.2))
    assert _row(claim, [(HE_NORMAL, undefined)])["finding"]["kind"] == "undetermined"


def test_a_claim_undefined_as_committed():
    conditional = _conditional(R, [_tau(0.9, [0.8, 1.0], R)], left_out=2)
    committed = _claim(U, [_tau(None, [None, None], U)], conditional=conditional)
    row = _row(committed, [(HE_NORMAL, POWER_LAW), (KERNEL_5, committed)])
    assert row["finding"]["kind"] == "undefined"
    text = row["finding"]["text"]
    assert text.startswith(f"undefined under the committed choices: {conditional['why']}: reproduced, tau = 0.9 [0.8, 1] (conditional reading, not counted)")
    assert "He-normal init: reproduced, tau = 1.01 [1.01, 1.02]" in text and "depends" not in text
    assert f"undefined under kernel size 5: {conditional['why']}" in text
    without = _row(_claim(U, [_tau(None, [None, None], U)]), [])["finding"]
    assert without == {"kind": "undefined", "text": "undefined under the committed choices: tau = NaN [NaN, NaN]; its replicas were not read again (no npz here)"}
    why_only = _row(_claim(U, [_tau(None, [None, None], U)], conditional={"why": DEFINED, "left_out": 0}), [])["finding"]
    assert why_only == {"kind": "undefined", "text": f"undefined under the committed choices: tau = NaN [NaN, NaN]; {DEFINED}"}


@pytest.mark.parametrize("verdict", [NR, INC])
def test_every_open_finding_holds_the_committed_deciding_value(verdict):
    """Whatever the variants say, a not-reproduced or inconclusive claim's finding names the number that
    decides it as committed."""
    committed = _claim(verdict, [_tau(-0.2 if verdict == NR else 0.05, [-0.3, -0.1] if verdict == NR else [-0.1, 0.2], verdict)])
    others = {
        "same": committed,
        "reproduced": POWER_LAW,
        "undefined": _claim(U, [_tau(None, [None, None], U)], conditional=_conditional(R, [_tau(0.9, [0.8, 1.0], R)])),
    }
    for name, other in others.items():
        for variant in (HE_NORMAL, larger(20)):
            row = _row(committed, [(variant, other)])
            assert row["finding"]["kind"] in findings.KINDS
            assert describe(row["committed"]["deciding"]) in row["finding"]["text"], (name, variant.name, row["finding"])


def test_counts_per_paper_and_kind():
    rows = [
        {"figure": "2024-fig1", "finding": {"kind": "robust"}},
        {"figure": "2024-fig3", "finding": {"kind": "depends"}},
        {"figure": "2024-fig1", "finding": {"kind": "robust"}},
        {"figure": "2022-fig5", "finding": {"kind": "undefined"}},
    ]
    assert counts(rows) == {
        "2024": {"robust": 2, "depends": 1, "undetermined": 0, "undefined": 0},
        "2022": {"robust": 0, "depends": 0, "undetermined": 0, "undefined": 1},
    }


def test_a_variant_is_matched_to_its_claim_by_text_and_figure_variant():
    """claim_rows pairs a variant's claim with the committed one by claim text and the figure variant it
    is about, whatever the order of the variant's claims."""
    a = {**POWER_LAW, "parameters": {"variant": "unbiased"}}
    b = {**POWER_LAW, "parameters": {"variant": "biased"}}
    b_failed = {**_claim(NR, [_tau(-0.2, [-0.3, -0.1], NR)]), "parameters": {"variant": "biased"}}
    rows = claim_rows("2022-fig1", {"claims": [a, b]}, [(HE_NORMAL, {"claims": [b_failed, a]})])
    assert [(row["variant"], row["runs"][0]["verdict"], row["finding"]["kind"]) for row in rows] == [("unbiased", R, "robust"), ("biased", NR, "depends")]
    assert all(not math.isnan(row["runs"][0]["deciding"]["value"]) for row in rows)
    assert Variant("x", replicas=100).size and not HE_NORMAL.size and not Variant("w", window="last decade").size


def test_finding_reads_the_views_alone():
    """finding() on hand-made views (what claim_view and claim_rows build): a size run counts as a
    dependence only under a firm committed verdict, and an undefined run never does."""
    tau = {"quantity": "tau", "value": 0.5, "ci95": [0.4, 0.6]}
    committed = {"verdict": INC, "deciding": tau, "replicas": 20, "power": "about 80 runs would put the interval clear of the bound"}
    bigger = {"variant": "5× runs (100)", "size": True, "verdict": R, "deciding": tau}
    choice = {"variant": "η = 0.01", "size": False, "verdict": R, "deciding": tau}
    broken = {"variant": "η = 1.0", "size": False, "verdict": U, "deciding": {"quantity": "tau", "value": None, "ci95": None}}
    assert finding(committed, [bigger, broken])["kind"] == "undetermined"
    assert finding(committed, [bigger, choice, broken])["kind"] == "depends"
    assert finding({**committed, "verdict": NR}, [bigger])["kind"] == "depends"
    assert finding({**committed, "verdict": R}, [broken]) == {
        "kind": "undefined",
        "text": "undefined under η = 1.0; reproduced as committed (tau = 0.5 [0.4, 0.6]) and under every other variant; undefined under "
        "η = 1.0: tau = NaN; its replicas were not read again (no npz here)",
    }
    # The same run with a conditional of a why alone, and with a reading over its defined replicas.
    said = {**broken, "conditional": {"why": DEFINED}}
    assert finding({**committed, "verdict": R}, [said])["text"].endswith(f"; undefined under η = 1.0: tau = NaN; {DEFINED}")
    read = {**broken, "conditional": {"why": "3 of 20 replicas hold a non-finite measurement; the reading over the other 17", "verdict": NR,
                                      "deciding": {"quantity": "tau", "value": -0.1, "ci95": [-0.2, -0.05]}}}
    assert finding({**committed, "verdict": R}, [read])["text"].endswith(
        "; undefined under η = 1.0: 3 of 20 replicas hold a non-finite measurement; the reading over the other 17: not reproduced, "
        "tau = -0.1 [-0.2, -0.05] (conditional reading, not counted)"
    )
    assert finding({**committed, "verdict": R}, []) == {"kind": "robust", "text": "robust: reproduced as committed (tau = 0.5 [0.4, 0.6]) and under every variant"}
