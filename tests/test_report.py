"""REPORT.md's tables, written from a small fake results folder in the runner's json shape (claim records
trimmed from what claims.evaluate_claims writes into results/nakazato2024/fig1.json, fig4.json, fig5.json
and results/nakazato2022/fig5.json, with verdicts chosen here), and the record of which verdicts moved
against another results folder. The expected counts are worked out by hand from the verdicts below."""

import json
import re

import pytest

from training_response.replication import report
from training_response.replication.__main__ import main

R, NR, INC, U = "reproduced", "not reproduced", "inconclusive", "undefined"

POWER_LAW_VALUE = {"window": [10.0, 10000.0], "n_points": 61, "tau": 1.0120288099127868, "prefactor": 0.6117973917083019, "r2": 0.9999265451220554}
POWER_LAW_CI = {"tau": [1.0076659366023977, 1.015942470368139], "prefactor": [0.59, 0.63], "r2": [0.9997579180692269, 0.99995782770013]}
DIAGNOSTICS = {
    "step_over_2_eta_ntk_at_x_o": {"epochs": [0, 10], "median": [0.98, 0.979], "min": [0.9251896739006042, 0.9725509285926819], "max": [1.0763870477676392, 0.9824966788291931]},
    "aging_fit_of_2_eta_ntk": {"window": [10.0, 10000.0], "n_points": 61, "tau": 1.0146308933196657, "prefactor": 0.62, "r2": 0.9999743249827412},
}
RULE = "decided on the 95% bootstrap interval over runs"
NO_INTERVAL = "no interval (1 run(s); a bootstrap over runs needs at least 5): decided on the value itself"


def _bound(op, limit, center=None):
    """A bound as verdicts.Bound.to_json writes it."""
    return {"op": op, "limit": limit, **({"center": center} if center is not None else {})}


def _decision(quantity, value, ci95, reproduced_if, not_reproduced_if, verdict, effect_size=None, not_=None):
    """One deciding value as verdicts.decide writes it; `not_` = (not_quantity, not_value, not_ci95)."""
    record = {"quantity": quantity, "value": value, "ci95": ci95}
    if not_ is not None:
        record.update(not_quantity=not_[0], not_value=not_[1], not_ci95=not_[2])
    return {**record, "reproduced_if": reproduced_if, "not_reproduced_if": not_reproduced_if, "effect_size": effect_size, "verdict": verdict}


def _reading(test, verdict, decision, value=None, ci95=None, text="", replicas=20):
    """What claims._judged writes for one reading of a claim."""
    if value is None:
        value = {d["quantity"]: d["value"] for d in decision}
    if ci95 is None:
        ci95 = {d["quantity"]: d["ci95"] for d in decision if d["ci95"] is not None and d["value"] is not None}
    rule = RULE if replicas >= 5 else NO_INTERVAL
    return {"test": test, "parameters": {}, "quantity": f"measure of {text}", "value": value, "ci95": ci95, "replicas": replicas,
            "criterion": f"criterion of {text}; {rule}", "decision": decision, "verdict": verdict}


def _claim(text, verdict, decision, test="t", extension=None, secondary=None, **reading):
    """A claim record as claims.evaluate_claims writes it: the claim, its quote, reading and extension mark,
    its reading's record and, for a claim with another reading, that reading's record under "secondary"."""
    record = {"claim": text, "quote": f"the paper on {text}.", "reading": f"reading of {text}", "extension": extension,
              **_reading(test, verdict, decision, text=text, **reading)}
    if secondary is not None:
        record["secondary"] = secondary
    return record


# The usual bands of one deciding value: reproduced at or above 1, not reproduced at or below 0.
AT_LEAST_1, AT_MOST_0 = _bound(">=", 1), _bound("<=", 0)
MOVE_UP, NO_MOVE = _bound(">", 0.05), _bound("<=", 0.05)
FOLLOWS, DOES_NOT_FOLLOW = _bound("<=", 0.05), _bound(">", 0.1)

POWER_LAW = _claim("Δ(x_o, x_o) decays along a power law", R, [
    _decision("tau", POWER_LAW_VALUE["tau"], POWER_LAW_CI["tau"], _bound(">", 0), _bound("<=", 0), R),
    _decision("r2", POWER_LAW_VALUE["r2"], POWER_LAW_CI["r2"], _bound(">=", 0.95), _bound("<", 0.8), R),
], test="power_law", value=POWER_LAW_VALUE, ci95=POWER_LAW_CI)
# The primary reading reproduces; the other reading (not counted) does not.
PEAK_SHIFT = _claim("the kernel's peak shifts away from x_o", R, [
    _decision("last_peak_distance", 3.0, [3.0, 3.0], AT_LEAST_1, AT_MOST_0, R),
], test="peak_shift", secondary={
    "reading": "'gradually': the maximum's distance grows monotonically",
    **_reading("peak_trend", NR, [_decision("spearman_rho", -0.2, [-0.6, -0.1], _bound(">=", 0.8), _bound("<", 0), NR)], text="the peak's trend"),
})
DECREASING = _claim("the kernels decrease with the distance", INC, [
    _decision("largest_rho", -0.7333333333333334, [-0.7666666666666667, -0.7333333333333334], _bound("<=", -0.8), _bound(">", -0.5), INC,
              not_=("median_rho", -0.8333333333333333, [-0.85, -0.8333333333333333])),
], test="kernel_decreasing")
# The primary reading does not reproduce; the other reading (not counted) does.
MUCH_FASTER = _claim("the response decays much faster", NR, [
    _decision("settling_ratio", 1.2, [1.05, 1.4], _bound("<=", 0.5), _bound(">=", 1.0), NR, effect_size=0.5),
], test="faster_plateau", secondary={
    "reading": "'much faster decay': the log drop against Fig. 1's",
    **_reading("faster_decay", R, [_decision("log_drop_difference", -1.2, [-1.5, -0.9], _bound("<", -0.405), _bound(">=", -0.405), R, 0.405)],
               text="the log drop"),
})
EXTENSION = "the paper says the system reproduces the behaviors of aging, not its exponent; the exponent match is this replication's"
MOVES_UP = _claim("g0 moves up (rho1to3)", R, [_decision("move", 0.08840063959360123, [0.06705541890114546, 0.11114066764712333], MOVE_UP, NO_MOVE, R, 0.05)],
                  test="group_move", value={"move": 0.08840063959360123, "move_sem": 0.0121, "waypoint_epochs": [0, 18]})
MEANFIELD = "the paper never integrates eq. (11) against the network; the agreement is this replication's"
# What claims.conditional_reading says of an undefined claim whose replicas' numbers are all defined.
DEFINED = "every replica's numbers are defined: the value is undefined in the claim's own arithmetic or data it compares with"

# Verdicts (secondary readings never counted):
#   2024, the paper's claims: fig1 R, R, INC, INC; fig4 NR, R; fig5 R  -> 7: 4 R, 1 NR, 2 INC, 0 U
#   2024, extensions:         fig5 U, R                                -> 2: 1 R, 0 NR, 0 INC, 1 U
#   2022, the paper's claims: fig5 R, NR, U                            -> 3: 1 R, 1 NR, 0 INC, 1 U
#   2022, extensions:         fig5 INC, NR                             -> 2: 0 R, 1 NR, 1 INC, 0 U
FIGURES_CLAIMS = {
    "2024-fig1": [
        POWER_LAW,
        PEAK_SHIFT,
        _claim("no S curves emerge with ReLU", INC, [_decision("s_share", 0.25, [0.0, 0.5], _bound("<=", 0), _bound(">=", 0.5), INC)], test="s_curve"),
        DECREASING,
    ],
    "2024-fig4": [
        MUCH_FASTER,
        _claim("the response converges", R, [_decision("slope", -0.02, [-0.05, 0.01], _bound("within", 0.1, 0.0), _bound("<", -0.5), R)], test="plateau"),
    ],
    # One run: no intervals.
    "2024-fig5": [
        _claim("the simplified system ages along a power law (η = 1, a = 1)", R, [
            _decision("tau", 0.8884918739101239, None, _bound(">", 0), _bound("<=", 0), R),
            _decision("r2", 0.9940774566947567, None, _bound(">=", 0.95), _bound("<", 0.8), R),
        ], test="power_law", replicas=1),
        _claim("the simplified system has the network's exponent (2024-fig2)", U, [
            _decision("reference", None, None, _bound(">=", 0), _bound("<", 0), U),
        ], test="exponent_matches", extension=EXTENSION, replicas=1, value={"reference": None}),
        _claim("the simplified system has the network's exponent (2024-fig1)", R, [
            _decision("tau_gap", 0.09184768694233081, None, _bound("<=", 0.1), _bound(">", 0.3), R),
        ], test="exponent_matches", extension=EXTENSION, replicas=1),
    ],
    "2022-fig5": [
        MOVES_UP,
        # Within the reproducing bound on its value, not on its interval.
        _claim("the mean field follows (rho1to3)", INC, [_decision("worst_rms", 0.045, [0.031, 0.062], FOLLOWS, DOES_NOT_FOLLOW, INC)],
               test="meanfield_agreement", extension=MEANFIELD),
        _claim("g0 moves up (rho2to3)", NR, [_decision("move", 0.0076, [0.0014, 0.0156], MOVE_UP, NO_MOVE, NR, 0.05)], test="group_move"),
        _claim("the mean field follows (rho2to3)", NR, [_decision("worst_rms", 0.2, [0.15, 0.25], FOLLOWS, DOES_NOT_FOLLOW, NR)],
               test="meanfield_agreement", extension=MEANFIELD),
        # A waypoint that is not a finite number: json null for the value and its interval.
        _claim("g0 turns back (rho2to3)", U, [_decision("move", None, [None, None], MOVE_UP, NO_MOVE, U, 0.05)], test="group_move"),
    ],
}
SHAPE = {"2024-fig1": (20, 10000), "2024-fig4": (20, 10000), "2024-fig5": (1, 10000), "2022-fig5": (20, 1000)}
DIAGNOSTICS_OF = {"2024-fig1": DIAGNOSTICS, "2022-fig5": {"rho1to3": DIAGNOSTICS, "rho2to3": {}}}
SUMMARY_HEADER = "| paper | claims of | claims | reproduced | not reproduced | inconclusive | undefined |"
CLAIMS_HEADER = "| figure | runs × epochs | claim | verdict | other reading (not counted) |"
SECTION_HEADER = "| claim | the paper's words | reading | deciding value [95% CI] | criterion | verdict |"
CHANGES_HEADER = "| figure | claim | old → new | why |"


def _figure(figure, claims, replicas, epochs, diagnostics=None):
    paper, name = figure.split("-")
    record = {
        "figure": figure, "title": f"title of {figure}", "command": "python -m replication run all", "engine": "ensemble",
        "config_hash": "0123456789abcdef", "seed": 0, "replicas": replicas, "epochs": epochs, "seconds": 3.3,
        "kept": "raw per-point histories (replica × measured epoch × probe point)", "diverged": [],
        "versions": {"tensorflow": "2.21.0", "keras": "3.15.1", "numpy": "2.4.6"},
        "config": {"id": figure, "paper": f"nakazato{paper}", "name": name, "model": {"builder": f"nakazato{paper}", "activation": "relu"},
                   "training": {"bits": "pm1"}, "assumptions": {"epoch": "one epoch is one SGD step", "ensemble": f"{replicas} replicas"}},
        "claims": claims,
    }
    if diagnostics is not None:
        record["diagnostics"] = diagnostics
    return record


def _path(figure):
    paper, name = figure.split("-")
    return f"nakazato{paper}/{name}.json"


def _figures(claims_of):
    """The figure json files of a results folder, {path: record}, from {figure: its claim records}."""
    return {_path(fig): _figure(fig, claims, *SHAPE[fig], DIAGNOSTICS_OF.get(fig)) for fig, claims in claims_of.items()}


FIGURES = _figures(FIGURES_CLAIMS)
MISSING = ("2024-fig2, 2024-fig3, 2024-fig6, 2024-fig7, 2024-theory, 2022-fig1, 2022-fig2, 2022-fig3, 2022-fig4, 2022-fig6, "
           "2022-fig7, 2022-fig8, 2022-fig9")
RUN_ALL = {"command": "python -m replication run all", "seconds": 569.2, "minutes": 9.5, "cpu": "AMD EPYC, 2 cores",
           "figures": {"2024-fig1": 3.7, "2024-fig4": "skipped", "2024-fig5": 1.2, "2022-fig5": "skipped"}, "complete": True}
BENCH = {
    "command": "python -m replication bench",
    "probe": {"fit_ms_per_epoch": 0.6282, "fit_with_probe_ms_per_epoch": 0.8738, "probe_overhead": 1.391, "target": 1.5},
    "engine": {"epochs": 1000, "fit_replicas": 3, "engine_replicas": 100, "fit_ms_per_replica_epoch": 1.2573,
               "engine_ms_per_replica_epoch": 0.06683, "speedup": 18.8, "target": 300},
}


def _write(folder, files):
    for name, record in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record))


@pytest.fixture
def results(tmp_path):
    folder = tmp_path / "results"
    _write(folder, FIGURES)
    _write(folder, {"nakazato2022/notes.json": {"figure": "2022-fig5"}})  # a json without claims is no figure result
    return folder


def _lines(folder):
    return (folder / "REPORT.md").read_text().split("\n")


def _table(lines, header):
    """The rows of the table under `header`, up to the blank line (or the end of the report) after it."""
    start = lines.index(header) + 2
    return lines[start:lines.index("", start)]


def test_summary_counts_per_paper_and_origin_in_four_verdict_columns(results):
    """One row per paper × (the paper's claims | extensions), 2024 first, a column per verdict (undefined
    included), then the totals of the paper's claims and of the extensions; counts from the table above."""
    report.write_report(str(results))
    assert _table(_lines(results), SUMMARY_HEADER) == [
        "| 2024 | the paper's claims | 7 | 4 | 1 | 2 | 0 |",
        "| 2024 | extensions | 2 | 1 | 0 | 0 | 1 |",
        "| 2022 | the paper's claims | 3 | 1 | 1 | 0 | 1 |",
        "| 2022 | extensions | 2 | 0 | 1 | 1 | 0 |",
        "| **both** | **the paper's claims** | 10 | **5** | **2** | **2** | **1** |",
        "| **both** | **extensions** | 4 | **1** | **1** | **1** | **1** |",
    ]


def test_a_paper_without_extensions_has_no_extension_row_and_the_totals_still_have_one(tmp_path):
    """Rows exist only for what a paper has; the totals always name both origins."""
    _write(tmp_path, _figures({"2024-fig4": FIGURES_CLAIMS["2024-fig4"]}))
    report.write_report(str(tmp_path))
    assert _table(_lines(tmp_path), SUMMARY_HEADER) == [
        "| 2024 | the paper's claims | 2 | 1 | 1 | 0 | 0 |",
        "| **both** | **the paper's claims** | 2 | **1** | **1** | **0** | **0** |",
        "| **both** | **extensions** | 0 | **0** | **0** | **0** | **0** |",
    ]


def test_secondary_readings_are_shown_and_never_counted(results):
    """The other readings (a not reproduced one under a reproduced claim, a reproduced one under a not
    reproduced claim) appear in the claims table and the figure section, and the summary is the one the
    same results give without them."""
    report.write_report(str(results))
    lines = _lines(results)
    summary = _table(lines, SUMMARY_HEADER)
    claims_rows = _table(lines, CLAIMS_HEADER)
    assert "| 2024-fig1 | 20 × 10000 | the kernel's peak shifts away from x_o | **reproduced** | not reproduced (peak_trend) |" in claims_rows
    assert "| 2024-fig4 | 20 × 10000 | the response decays much faster | **not reproduced** | reproduced (faster_decay) |" in claims_rows
    assert "| ↳ the other reading (not counted) |  | 'gradually': the maximum's distance grows monotonically | spearman_rho = -0.2 [-0.6, -0.1] | criterion of the peak's trend; decided on the 95% bootstrap interval over runs | not reproduced |" in lines
    assert lines.count("| ↳ the other reading (not counted) |  | 'much faster decay': the log drop against Fig. 1's | log_drop_difference = -1.2 [-1.5, -0.9] | criterion of the log drop; decided on the 95% bootstrap interval over runs | reproduced |") == 1
    # The other reading's row follows its claim's.
    peak = next(i for i, line in enumerate(lines) if line.startswith("| the kernel's peak shifts away from x_o |"))
    assert lines[peak + 1].startswith("| ↳ the other reading (not counted) |  | 'gradually'")
    assert sum(line.startswith("| ↳ ") for line in lines) == 2

    without = {fig: [{k: v for k, v in c.items() if k != "secondary"} for c in claims] for fig, claims in FIGURES_CLAIMS.items()}
    _write(results, _figures(without))
    report.write_report(str(results))
    lines = _lines(results)
    assert _table(lines, SUMMARY_HEADER) == summary
    assert not any(line.startswith("| ↳ ") for line in lines)
    assert all(row.endswith("| — |") for row in _table(lines, CLAIMS_HEADER))


def test_one_row_per_claim_with_its_verdict_in_the_registry_order(results):
    """The claims table: every claim in the registry's figure order, extensions marked, its verdict and
    its other reading's verdict (— without one)."""
    report.write_report(str(results))
    assert _table(_lines(results), CLAIMS_HEADER) == [
        "| 2024-fig1 | 20 × 10000 | Δ(x_o, x_o) decays along a power law | **reproduced** | — |",
        "| 2024-fig1 | 20 × 10000 | the kernel's peak shifts away from x_o | **reproduced** | not reproduced (peak_trend) |",
        "| 2024-fig1 | 20 × 10000 | no S curves emerge with ReLU | **inconclusive** | — |",
        "| 2024-fig1 | 20 × 10000 | the kernels decrease with the distance | **inconclusive** | — |",
        "| 2024-fig4 | 20 × 10000 | the response decays much faster | **not reproduced** | reproduced (faster_decay) |",
        "| 2024-fig4 | 20 × 10000 | the response converges | **reproduced** | — |",
        "| 2024-fig5 | 1 × 10000 | the simplified system ages along a power law (η = 1, a = 1) | **reproduced** | — |",
        "| 2024-fig5 | 1 × 10000 | the simplified system has the network's exponent (2024-fig2) *(extension)* | **undefined** | — |",
        "| 2024-fig5 | 1 × 10000 | the simplified system has the network's exponent (2024-fig1) *(extension)* | **reproduced** | — |",
        "| 2022-fig5 | 20 × 1000 | g0 moves up (rho1to3) | **reproduced** | — |",
        "| 2022-fig5 | 20 × 1000 | the mean field follows (rho1to3) *(extension)* | **inconclusive** | — |",
        "| 2022-fig5 | 20 × 1000 | g0 moves up (rho2to3) | **not reproduced** | — |",
        "| 2022-fig5 | 20 × 1000 | the mean field follows (rho2to3) *(extension)* | **not reproduced** | — |",
        "| 2022-fig5 | 20 × 1000 | g0 turns back (rho2to3) | **undefined** | — |",
    ]


def test_figures_without_results_are_named(results):
    report.write_report(str(results))
    assert f"Figures without results here: {MISSING}." in _lines(results)


def test_figure_sections_link_their_images_and_list_their_claims(results):
    """Each figure's section: its image, its run, and per claim the paper's words, the reading, the
    deciding values with their 95% intervals (3 significant digits; the not-reproducing value after the
    reproducing one), the criterion and the verdict."""
    report.write_report(str(results))
    lines = _lines(results)
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == ["## 2024-fig1: title of 2024-fig1", "## 2024-fig4: title of 2024-fig4", "## 2024-fig5: title of 2024-fig5",
                        "## 2022-fig5: title of 2022-fig5"]
    for link in ("![2024-fig1](nakazato2024/fig1.png)", "![2024-fig4](nakazato2024/fig4.png)", "![2022-fig5](nakazato2022/fig5.png)"):
        assert link in lines
    fig1 = _table(lines, SECTION_HEADER)
    assert fig1[0] == (
        "| Δ(x_o, x_o) decays along a power law | “the paper on Δ(x_o, x_o) decays along a power law.” | reading of Δ(x_o, x_o) decays along a "
        "power law | tau = 1.01 [1.01, 1.02]; r2 = 1 [1, 1] | criterion of Δ(x_o, x_o) decays along a power law; decided on the 95% "
        "bootstrap interval over runs | **reproduced** |"
    )
    assert fig1[-1] == (
        "| the kernels decrease with the distance | “the paper on the kernels decrease with the distance.” | reading of the kernels "
        "decrease with the distance | largest_rho = -0.733 [-0.767, -0.733]; median_rho = -0.833 [-0.85, -0.833] | criterion of the "
        "kernels decrease with the distance; decided on the 95% bootstrap interval over runs | **inconclusive** |"
    )
    assert ("| g0 moves up (rho1to3) | “the paper on g0 moves up (rho1to3).” | reading of g0 moves up (rho1to3) | move = 0.0884 [0.0671, 0.111] "
            "| criterion of g0 moves up (rho1to3); decided on the 95% bootstrap interval over runs | **reproduced** |") in lines
    assert "- command: `python -m replication run all` (3.3 s, engine ensemble, tensorflow 2.21.0)" in lines
    assert '- model: {"builder": "nakazato2024", "activation": "relu"}; training: {"bits": "pm1"}' in lines
    assert lines.count("- epoch: one epoch is one SGD step") == 4


def test_the_deciding_value_cell_without_an_interval_and_an_extensions_words(results):
    """A claim decided on its values alone (one run) says so for each value; an extension's words cell
    quotes the paper and gives the reason the claim is the replication's own."""
    report.write_report(str(results))
    lines = _lines(results)
    fig5 = lines[lines.index("## 2024-fig5: title of 2024-fig5"):]
    rows = _table(fig5, SECTION_HEADER)
    assert rows[0] == (
        "| the simplified system ages along a power law (η = 1, a = 1) | “the paper on the simplified system ages along a power law (η = 1, "
        "a = 1).” | reading of the simplified system ages along a power law (η = 1, a = 1) | tau = 0.888 (no interval); r2 = 0.994 (no "
        f"interval) | criterion of the simplified system ages along a power law (η = 1, a = 1); {NO_INTERVAL} | **reproduced** |"
    )
    assert rows[2] == (
        "| the simplified system has the network's exponent (2024-fig1) | “the paper on the simplified system has the network's exponent "
        f"(2024-fig1).” Extension: {EXTENSION}. | reading of the simplified system has the network's exponent (2024-fig1) | tau_gap = "
        f"0.0918 (no interval) | criterion of the simplified system has the network's exponent (2024-fig1); {NO_INTERVAL} | **reproduced** |"
    )
    # An undefined claim without an interval (a missing reference): its value is no number.
    assert rows[1].split(" | ")[3] == "reference = — (no interval)" and rows[1].endswith("| **undefined** |")


def _variant_of(claim, verdict, decision, conditional=None):
    """The claim's record under a variant: the same claim, another reading (and its conditional one)."""
    record = {**claim, **_reading(claim["test"], verdict, decision, text=claim["claim"])}
    if conditional is not None:
        record["conditional"] = conditional
    return record


def _robustness(fig1_he, fig1_more, fig5_kernel):
    """robustness.json as study.run_plan writes it, for 2024-fig1 under He-normal and 5× runs and 2022-fig5
    under kernel size 5 (the MNIST variant not run): `fig1_he` etc. the variants' claim records."""
    from training_response.replication.robustness import HE_NORMAL, KERNEL_5, MNIST_60K, larger
    from training_response.replication.study import claim_rows, counts

    rows = claim_rows("2024-fig1", FIGURES[_path("2024-fig1")], [(HE_NORMAL, {"claims": fig1_he}), (larger(20), {"claims": fig1_more})])
    rows += claim_rows("2022-fig5", FIGURES[_path("2022-fig5")], [(KERNEL_5, {"claims": fig5_kernel}), (MNIST_60K, None)])
    entry = lambda name, **more: {"name": name, "settings": {}, **more}  # noqa: E731
    return {
        "command": "python -m replication robustness 2024-fig1 2022-fig5", "seconds": 12.5, "run_seconds": 30.1, "workers": 2,
        "figures": {
            "2024-fig1": {"committed": {"replicas": 20, "epochs": 10000, "json": "results/nakazato2024/fig1.json"}, "paper_states": "no size",
                          "variants": [entry("He-normal init", results="r/he", seconds=10.0), entry("5× runs (100)", replicas=100, results="r/100", seconds=20.1)]},
            "2022-fig5": {"committed": {"replicas": 20, "epochs": 1000, "json": "results/nakazato2022/fig5.json"}, "paper_states": "no size",
                          "variants": [entry("kernel size 5", results="r/k5", seconds=0.0), entry("MNIST 60,000 images", not_run="not run: no network (offline)")]},
        },
        "references": [], "claims": rows, "counts": counts(rows), "failed": [],
    }


def test_the_robustness_tables_show_each_runs_deciding_value_and_the_findings_per_paper(results):
    """Per open claim, a row for the committed run and each variant: findings.describe of its deciding value
    (the report's first deciding value), its verdict, and an undefined run's reading over its finite
    replicas; the findings counted per paper, over all claims and over the open ones (worked out by hand:
    2024-fig1's power law and peak shift robust, its S-curve claim undetermined (undefined under He-normal,
    noted), its decreasing kernels depending on He-normal; 2022-fig5's reproduced and not-reproduced claims
    robust, its inconclusive mean field undetermined, its undefined turn undefined)."""
    from training_response.replication.findings import deciding, describe

    # The report's deciding-value cell and the robustness tables render the first value alike.
    assert report._deciding(POWER_LAW) == "tau = 1.01 [1.01, 1.02]; r2 = 1 [1, 1]"
    assert describe(deciding(POWER_LAW)) == "tau = 1.01 [1.01, 1.02]"
    fig1, fig5 = FIGURES_CLAIMS["2024-fig1"], FIGURES_CLAIMS["2022-fig5"]
    s_curve, decreasing = fig1[2], fig1[3]
    undefined_s = _variant_of(s_curve, U, [_decision("s_share", None, [None, None], _bound("<=", 0), _bound(">=", 0.5), U)], conditional={
        "why": "1 of 20 replicas hold a non-finite measurement; the reading over the other 19",
        "left_out": 1, **_reading("s_curve", INC, [_decision("s_share", 0.2, [0.0, 0.4], _bound("<=", 0), _bound(">=", 0.5), INC)], replicas=19)})
    steeper = _variant_of(decreasing, R, [_decision("largest_rho", -0.85, [-0.9, -0.82], _bound("<=", -0.8), _bound(">", -0.5), R,
                                                    not_=("median_rho", -0.9, [-0.95, -0.85]))])
    # Under kernel size 5, the undefined turn's replicas were read again: every one's numbers are defined.
    turn = {**fig5[4], "conditional": {"why": DEFINED, "left_out": 0}}
    _write(results, {"robustness.json": _robustness([fig1[0], fig1[1], undefined_s, steeper], fig1, fig5[:4] + [turn])})
    report.write_report(str(results))
    lines = _lines(results)
    section = lines[lines.index("## Robustness: which unstated choice, if any, decides each claim"):]
    assert _table(section, "| paper | claims | robust | depends | undetermined | undefined |") == [
        "| 2024 | all | 2 | 1 | 1 | 0 |",
        "| 2022 | all | 3 | 0 | 1 | 1 |",
        "| 2024 | open | 0 | 1 | 1 | 0 |",
        "| 2022 | open | 2 | 0 | 1 | 1 |",
    ]
    assert _table(section, "| figure | committed run | the paper states | variants |") == [
        "| 2024-fig1 | 20 runs × 10000 epochs | no size | He-normal init, 5× runs (100) |",
        "| 2022-fig5 | 20 runs × 1000 epochs | no size | kernel size 5, MNIST 60,000 images (not run: no network (offline)) |",
    ]
    assert "### The 6 open verdicts" in section and "### The 3 reproduced verdicts" in section
    header = "| run | deciding value [95% CI] | verdict | over the finite replicas (not counted) |"
    tables = [i for i, line in enumerate(section) if line == header]
    assert len(tables) == 6
    at = section.index("**2024-fig1: the kernels decrease with the distance** — depends on He-normal init: inconclusive as committed "
                       "(largest_rho = -0.733 [-0.767, -0.733]), but He-normal init: reproduced, largest_rho = -0.85 [-0.9, -0.82].")
    assert section[at + 4:at + 7] == [
        "| committed | largest_rho = -0.733 [-0.767, -0.733] | inconclusive |  |",
        "| He-normal init | largest_rho = -0.85 [-0.9, -0.82] | reproduced |  |",
        "| 5× runs (100) | largest_rho = -0.733 [-0.767, -0.733] | inconclusive |  |",
    ]
    at = next(i for i, line in enumerate(section) if line.startswith("**2024-fig1: no S curves emerge with ReLU** — undetermined "))
    assert section[at + 4:at + 7] == [
        "| committed | s_share = 0.25 [0, 0.5] | inconclusive |  |",
        "| He-normal init | s_share = NaN [NaN, NaN] | undefined | inconclusive, s_share = 0.2 [0, 0.4] (1 of 20 replicas hold a non-finite "
        "measurement; the reading over the other 19) |",
        "| 5× runs (100) | s_share = 0.25 [0, 0.5] | inconclusive |  |",
    ]
    assert section[at + 7] == ""
    # A variant that did not run has no row; an undefined committed claim shows its value as NaN. The committed
    # record has no conditional (its replicas were not read again); the variant's holds a why alone, shown as it is.
    at = section.index("**2022-fig5: g0 turns back (rho2to3)** — undefined under the committed choices: move = NaN [NaN, NaN]; "
                       f"its replicas were not read again (no npz here); undefined under kernel size 5: move = NaN [NaN, NaN]; {DEFINED}.")
    assert section[at + 4:at + 7] == [
        "| committed | move = NaN [NaN, NaN] | undefined |  |",
        f"| kernel size 5 | move = NaN [NaN, NaN] | undefined | {DEFINED} |",
        "",
    ]
    # The reproduced claims: one row each, with the number of variants read and the finding.
    closed = _table(section, "| figure | claim | variants | finding |")
    assert len(closed) == 3 and closed[0].startswith("| 2024-fig1 | Δ(x_o, x_o) decays along a power law | 2 | robust")
    assert closed[0].endswith("robust: reproduced as committed (tau = 1.01 [1.01, 1.02]) and under every variant |")
    assert closed[2].startswith("| 2022-fig5 | g0 moves up (rho1to3) | 1 | robust") and "move = 0.0884 [0.0671, 0.111]" in closed[2]


def test_diagnostics_of_a_figure_and_of_each_variant_that_has_them(results):
    report.write_report(str(results))
    diagnostics = [line for line in _lines(results) if line.startswith("Diagnostics")]
    text = ("the aging of 2ηΘ(x_o, x_o) fits τ = 1.01 (R² = 1); the exact step over 2ηΘ at x_o, at epochs [0, 10], "
            "ranges over replicas from [0.925, 0.973] to [1.08, 0.982].")
    # 2024-fig4 and 2024-fig5 have none, 2022-fig5's rho2to3 an empty one.
    assert diagnostics == [f"Diagnostics: {text}", f"Diagnostics (rho1to3): {text}"]


def test_wall_time_line_from_run_all(results):
    _write(results, {"run_all.json": RUN_ALL})
    report.write_report(str(results))
    assert _lines(results)[-2:] == [
        "Total wall time of run all: 9.5 min (`python -m replication run all` on AMD EPYC, 2 cores; 2 figures were up to date and skipped)",
        "",
    ]


def test_without_run_all_or_bench_the_report_says_so_and_has_no_benchmark(results):
    report.write_report(str(results))
    lines = _lines(results)
    assert lines[-2] == "Total wall time of run all: not measured (`python -m replication run all` records it)"
    assert "## Benchmark" not in lines


def _benchmark_lines(results, bench):
    """The report's benchmark section for `bench`, from its heading to the first figure's section."""
    _write(results, {"bench.json": bench})
    report.write_report(str(results))
    lines = _lines(results)
    return lines[lines.index("## Benchmark"):lines.index("## 2024-fig1: title of 2024-fig1") - 1]


def test_benchmark_section_from_bench_json(results):
    assert _benchmark_lines(results, BENCH)[2:] == [
        "`python -m replication bench`: model.fit 0.6282 ms/epoch, with the probe over 256 points every epoch 0.8738 ms/epoch: "
        "probe overhead **1.391×** (target ≤ 1.5×).",
        "",
        "- Engine, the probe at every epoch: 100 replicas × 1000 epochs at 0.06683 ms per replica-epoch against 1.2573 ms "
        "through model.fit (3 replicas): speedup **18.8×** (target ≥ 300×).",
    ]


def test_benchmark_section_with_the_probes_epoch_end_and_a_forward_pass(results):
    probe = {**BENCH["probe"], "probe_epoch_end_ms": {"best": 0.2561, "median": 0.4012}, "forward_pass_ms": {"best": 0.1403, "median": 0.3}}
    assert _benchmark_lines(results, {**BENCH, "probe": probe})[2] == (
        "`python -m replication bench`: model.fit 0.6282 ms/epoch, with the probe over 256 points every epoch 0.8738 ms/epoch: "
        "probe overhead **1.391×** (target ≤ 1.5×). The probe's work at one epoch end, timed outside a fit: 0.2561 ms best, "
        "0.4012 ms median; one forward pass over the same points, compiled as the probe's measurement is: 0.1403 ms best, 0.3 ms "
        "median."
    )


def test_benchmark_section_with_the_forward_pass_callbacks_overhead(results):
    probe = {**BENCH["probe"], "fit_with_forward_pass_ms_per_epoch": 0.81, "forward_pass_overhead": 1.289}
    softmax = {"workload": "w", "fit_ms_per_epoch": 0.6367, "fit_with_probe_ms_per_epoch": 1.3036, "probe_overhead": 2.047, "forward_pass_overhead": 1.31}
    lines = _benchmark_lines(results, {**BENCH, "probe": probe, "probe_workloads": {"softmax_10": softmax}})
    assert lines[2].endswith(
        "probe overhead **1.391×** (target ≤ 1.5×). A callback that runs only one compiled forward pass over the same points at "
        "every epoch end, the least a measurement of them at every epoch does: 0.81 ms/epoch, **1.289×**."
    )
    assert "- Probe overhead, softmax_10 (w): 0.6367 → 1.3036 ms/epoch, 2.047× (one forward pass per epoch: 1.31×)." in lines


def test_benchmark_section_with_the_convolutional_rows_and_flop_rates(results):
    rate = {"flop_per_replica_epoch": 2432256, "gflops_effective": 36.395, "fraction_of_matmul_rate": 0.0758}
    conv2d = {"epochs": 200, "fit_replicas": 3, "engine_replicas": 50, "fit_ms_per_replica_epoch": 9.3062,
              "engine_ms_per_replica_epoch": 2.7378, "speedup": 3.4, "target": None, "flop_per_replica_epoch": 7967490,
              "gflops_effective": 2.91, "fraction_of_matmul_rate": 0.0061}
    bench = {**BENCH, "machine": {"cpus": 2, "matmul_gflops": 480.0}, "engine_conv2d": conv2d, "engine": {**BENCH["engine"], **rate}}
    assert _benchmark_lines(results, bench)[4:] == [
        "- Engine, the probe at every epoch: 100 replicas × 1000 epochs at 0.06683 ms per replica-epoch against 1.2573 ms "
        "through model.fit (3 replicas): speedup **18.8×** (target ≥ 300×). 2.43 MFLOP per replica-epoch (naive count): "
        "36.395 GFLOP/s, 7.58% of this machine's float32 matmul rate (480.0 GFLOP/s).",
        "- Engine, 2022-fig8's Conv2D network (random 28×28 images), the probe at every epoch: 50 replicas × 200 epochs at "
        "2.7378 ms per replica-epoch against 9.3062 ms through model.fit (3 replicas): speedup **3.4×**. 7.97 MFLOP per "
        "replica-epoch (naive count): 2.91 GFLOP/s, 0.61% of this machine's float32 matmul rate (480.0 GFLOP/s).",
    ]


def test_benchmark_section_with_forward_passes_and_the_jax_reference(results):
    jax = {"jax": "0.10.2", "replicas": 100, "epochs": 1000, "runs": 3, "jax_ms_per_replica_epoch": 0.079, "engine_faster_by": 1.92,
           "target": 1.6, "check": "10 replicas x 200 epochs, seed 0", "scale_relative_difference": {"f_o": 1.2e-07, "step": 4.3e-05}}
    bench = {**BENCH, "engine": {**BENCH["engine"], "engine_runs": 3, "measurement_in_forward_passes": 3.52}, "jax_reference": jax}
    assert _benchmark_lines(results, bench)[4:] == [
        "- Engine, the probe at every epoch: 100 replicas × 1000 epochs at 0.06683 ms per replica-epoch (best of 3 runs) against "
        "1.2573 ms through model.fit (3 replicas): speedup **18.8×** (target ≥ 300×). The measurement costs 3.52 forward passes "
        "over the probe points.",
        "- JAX reference (jax 0.10.2, 100 replicas × 1000 epochs, the probe at every epoch): 0.079 ms per replica-epoch (best of 3 runs); the "
        "engine is **1.92×** faster (target ≥ 1.6×). Same numbers: largest scale-relative difference from the engine (10 "
        "replicas x 200 epochs, seed 0) f_o 1.2e-07, step 4.3e-05.",
    ]
    bench["jax_reference"] = {"status": "not measured: JAX is not installed (pip install '.[jax]')"}
    assert _benchmark_lines(results, bench)[-1] == "- JAX reference: not measured: JAX is not installed (pip install '.[jax]')."




def _old_claim(text, verdict, test, quantity=None):
    """A claim record of the evaluation before this one (no quote, reading or decision: the shape an older
    commit's results have)."""
    return {"claim": text, "test": test, "parameters": {}, "quantity": quantity or f"measure of {text}", "value": {"x": 0.5}, "ci95": {},
            "replicas": 20, "criterion": f"old criterion of {text}", "verdict": verdict}


def _new(figure, text):
    return next(c for c in FIGURES_CLAIMS[figure] if c["claim"] == text)


# (figure, old record, new record, why): one of each kind of reason, in the order verdict_changes lists them.
CHANGED = [
    ("2024-fig1", _old_claim("no S curves emerge with ReLU", R, "s_curve", "S shape of the ensemble-mean kernel, per plotted epoch"),
     _new("2024-fig1", "no S curves emerge with ReLU"),
     "measurement: measure of no S curves emerge with ReLU (was: S shape of the ensemble-mean kernel, per plotted epoch)"),
    ("2024-fig4", _old_claim("the response decays much faster", R, "faster_decay"), _new("2024-fig4", "the response decays much faster"),
     "reading: reading of the response decays much faster (was the check faster_decay)"),
    ("2024-fig4", _old_claim("the response converges", INC, "plateau"), _new("2024-fig4", "the response converges"),
     f"criterion: criterion of the response converges; {RULE}"),
    ("2022-fig5", _old_claim("the mean field follows (rho1to3)", R, "meanfield_agreement"), _new("2022-fig5", "the mean field follows (rho1to3)"),
     "interval rule: on its value alone it is reproduced, but its interval (worst_rms = 0.045 [0.031, 0.062]) is not wholly inside that bound"),
    ("2022-fig5", _old_claim("g0 moves up (rho2to3)", R, "group_move"), _new("2022-fig5", "g0 moves up (rho2to3)"),
     "effect size: the change must exceed 0.05 (move = 0.0076 [0.0014, 0.0156])"),
    ("2022-fig5", _old_claim("g0 turns back (rho2to3)", R, "group_move"), _new("2022-fig5", "g0 turns back (rho2to3)"),
     "undefined: move or its interval is not a finite number"),
]
# The same verdicts before: not listed, however the record changed.
UNCHANGED = {
    "2024-fig1": [_old_claim(POWER_LAW["claim"], R, "power_law"), _old_claim(PEAK_SHIFT["claim"], R, "peak_shift")],
    "2022-fig5": [_old_claim(MOVES_UP["claim"], R, "group_move"), _old_claim("the mean field follows (rho2to3)", NR, "meanfield_agreement")],
}


@pytest.fixture
def before(tmp_path):
    """The results folder of the evaluation before: old-shaped records of some of the same claims (2024-fig5
    and a few claims are new since, one old claim is gone)."""
    claims_of = {fig: list(claims) for fig, claims in UNCHANGED.items()}
    for fig, old, _, _ in CHANGED:
        claims_of.setdefault(fig, []).append(old)
    claims_of["2022-fig5"].append(_old_claim("a claim since dropped", R, "group_move"))
    folder = tmp_path / "before"
    _write(folder, _figures(claims_of))
    return folder


@pytest.mark.parametrize("figure, old, new, why", CHANGED, ids=[why.split(":")[0] for *_, why in CHANGED])
def test_why_a_verdict_changed(figure, old, new, why):
    """Each kind of reason, on hand-built old and new records of one claim: the new verdict is undefined;
    the claim is read by another check; its value alone gives the old verdict, its interval does not; what
    is measured changed; the minimum effect decides; else the criterion."""
    assert old["verdict"] != new["verdict"]
    assert report._why_changed(old, new) == why


def test_undefined_is_the_reason_before_a_changed_reading():
    """A claim that is now undefined says so, whatever else changed."""
    old = _old_claim("g0 turns back (rho2to3)", R, "another_check")
    assert report._why_changed(old, _new("2022-fig5", "g0 turns back (rho2to3)")).startswith("undefined: move ")


def test_verdict_changes_lists_every_moved_verdict_in_the_registry_order(results, before):
    """Only the claims in both folders whose verdicts differ, old → new and why; new claims, dropped ones
    and unchanged verdicts are not listed."""
    assert report.verdict_changes(str(before), str(results)) == [
        {"figure": fig, "claim": new["claim"], "old": old["verdict"], "new": new["verdict"], "why": why} for fig, old, new, why in CHANGED
    ]
    assert report.verdict_changes(str(results), str(results)) == []


def _changes_rows():
    return [f"| {fig} | {new['claim']} | {old['verdict']} → **{new['verdict']}** | {why} |" for fig, old, new, why in CHANGED]


def test_the_report_with_before_records_the_changes_and_a_later_report_keeps_them(results, before):
    """write_report(out, before=...) writes OUT/verdict_changes.json and the section "What changed in the
    verdicts" after the figures' sections; a report written later without `before` shows the same record."""
    command = f"python -m replication report --out {results} --before {before}"
    report.write_report(str(results), before=str(before), command=command)
    record = json.loads((results / "verdict_changes.json").read_text())
    assert record == {"command": command, "before": str(before), "changes": report.verdict_changes(str(before), str(results))}
    lines = _lines(results)
    heading = lines.index("## What changed in the verdicts")
    # Right after the summary and the claims table, before the figures' sections.
    assert lines.index("| figure | runs × epochs | claim | verdict | other reading (not counted) |") < heading < lines.index("## 2024-fig1: title of 2024-fig1")
    assert lines[heading + 2] == f"Every claim whose verdict moved against {before}, old → new, and why (`{command}`):"
    assert _table(lines, CHANGES_HEADER) == _changes_rows()
    assert lines[-2].startswith("Total wall time of run all")

    report.write_report(str(results))
    assert _lines(results) == lines
    assert json.loads((results / "verdict_changes.json").read_text()) == record


def test_a_before_folder_without_figure_results_is_refused(results, tmp_path):
    """Nothing to compare with is an error, before anything is written."""
    empty = tmp_path / "empty"
    _write(empty, {"nakazato2024/notes.json": {"other": 1}})
    with pytest.raises(ValueError, match="no figure results under .*empty.* to compare with"):
        report.write_report(str(results), before=str(empty))
    assert not (results / "verdict_changes.json").exists() and not (results / "REPORT.md").exists()


def test_the_report_command_with_before(results, before, tmp_path, capsys):
    """`python -m replication report --before DIR` records the changes with its own command line; an empty
    DIR exits 2 with one line."""
    assert main(["report", "--out", str(results), "--before", str(before)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {results / 'REPORT.md'}"
    record = json.loads((results / "verdict_changes.json").read_text())
    assert record["command"] == f"python -m replication report --out {results} --before {before}" and record["before"] == str(before)
    assert _table(_lines(results), CHANGES_HEADER) == _changes_rows()
    (tmp_path / "empty").mkdir()
    assert main(["report", "--out", str(results), "--before", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "to compare with" in err[0]


def test_no_figure_results_is_an_error(tmp_path):
    _write(tmp_path, {"nakazato2024/notes.json": {"other": 1}})
    with pytest.raises(ValueError, match="no figure results under"):
        report.write_report(str(tmp_path))
    assert not (tmp_path / "REPORT.md").exists()


@pytest.mark.parametrize("name", ["nakazato2022/fig5.json", "bench.json", "run_all.json"])
def test_a_corrupt_json_stops_the_report_and_keeps_the_last_one(results, name):
    # A ValueError naming the file, which the command line reports in one line; dropping the file
    # instead would change the counts without a word.
    report.write_report(str(results))
    before = (results / "REPORT.md").read_text()
    (results / name).write_text('{"figure": "2022-fig5", "claims": [')
    with pytest.raises(ValueError, match=f"{results / name} is not valid json"):
        report.write_report(str(results))
    assert (results / "REPORT.md").read_text() == before


def test_short_renders_values_compactly():
    assert report._short(0.123456) == "0.123"
    assert report._short([1.0, 0.5, "x"]) == "[1, 0.5, x]"
    assert report._short({"window": [10.0, 1000.0], "n_points": 5, "prefactor": 2.0, "tau": 0.5}, {"tau": [0.25, 0.75]}) == (
        "fit window epochs 10–1000; tau = 0.5 [0.25, 0.75]")
    assert report._short(None) == "None"


def test_a_bar_inside_a_cell_is_escaped_so_the_table_keeps_its_columns():
    """Criteria and readings write |slope| and |K_e − K_0|: in a table row each "|" of a cell is escaped,
    so the row has exactly as many unescaped separators as the header."""
    row = report._row("2022-fig1", "every trained epoch's |slope| against the untrained one", "**inconclusive**")
    assert row == "| 2022-fig1 | every trained epoch's \\|slope\\| against the untrained one | **inconclusive** |"
    assert len(re.findall(r"(?<!\\)\|", row)) == 4
