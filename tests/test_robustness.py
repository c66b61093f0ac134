"""The robustness plan: every variant is a valid setting of its figure, the findings say what the verdicts
say, and a planned variant's run is the figure run with those settings, compared claim by claim."""

import json
import os

import numpy as np
import pytest

from training_response.replication import figures, runner
from training_response.replication.__main__ import main
from training_response.replication.models import build_2024
from training_response.replication.report import write_report
from training_response.replication.robustness import FINDINGS, PLAN, Variant, finding, headline, plan_for, run_plan, variant_out
from training_response.replication.run import Run
from training_response.replication.settings import with_settings


def test_every_planned_variant_is_a_valid_setting_of_its_figure():
    assert set(PLAN) == {fig_id for fig_id in figures.FIGURES}
    for fig_id, variants in PLAN.items():
        assert variants, fig_id
        for variant in variants:
            fig = with_settings(figures.get(fig_id), list(variant.settings))
            for key, text in variant.settings:
                section, name = key.split(".")
                assert str(getattr(fig, section)[name]) == text


@pytest.mark.parametrize("verdict", list(FINDINGS))
def test_the_same_verdict_under_every_variant_is_robust(verdict):
    assert finding(verdict, [("a", verdict), ("b", verdict)]) == FINDINGS[verdict]


def test_a_verdict_that_changes_names_the_variants_that_change_it():
    text = finding("not reproduced", [("kernel size 5", "reproduced"), ("He-normal init", "not reproduced"), ("100 runs", "inconclusive")])
    assert text.startswith("depends on")
    assert "kernel size 5 (reproduced)" in text and "100 runs (inconclusive)" in text and "He-normal" not in text


def _decision(quantity, value, ci95, verdict):
    return {"quantity": quantity, "value": value, "ci95": ci95, "reproduced_if": {"op": ">=", "limit": 0.95},
            "not_reproduced_if": {"op": "<", "limit": 0.8}, "effect_size": None, "verdict": verdict}


def test_the_headline_is_the_first_deciding_value():
    """The headline is the claim's first deciding value with its interval (None without one), never
    another measured number; a claim without a decision (an older record) has none."""
    value = {"window": [10, 100], "n_points": 4, "tau": 1.2, "prefactor": 0.5, "r2": 0.9}
    claim = {"value": value, "ci95": {"prefactor": [0.4, 0.6], "r2": [0.8, 0.95]},
             "decision": [_decision("tau", 1.2, [1.1, 1.3], "reproduced"), _decision("r2", 0.9, [0.8, 0.95], "inconclusive")]}
    assert headline(claim) == ("tau", 1.2, [1.1, 1.3])
    # A value decided without an interval (fewer runs than a bootstrap needs), and an undefined one.
    assert headline({"value": {"tau": 1.2}, "decision": [_decision("tau", 1.2, None, "reproduced")]}) == ("tau", 1.2, None)
    assert headline({"value": {"reference": None}, "decision": [_decision("reference", None, None, "undefined")]}) == ("reference", None, None)
    assert headline({"value": {"tau": 1.2}, "ci95": {"tau": [1.1, 1.3]}}) is None
    assert headline({"value": "text", "decision": []}) is None


def test_he_normal_changes_the_initial_weights_and_glorot_uniform_stays_the_default():
    import keras

    default, glorot, he = build_2024(seed=3), build_2024(seed=3, initializer="glorot_uniform"), build_2024(seed=3, initializer="he_normal")
    for a, b in zip(default.get_weights(), glorot.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(default.get_weights()[0], he.get_weights()[0])
    # Glorot-uniform by name is Keras' GlorotUniform class with the layer's seed.
    seed = default.layers[0].kernel_initializer.get_config()["seed"]
    np.testing.assert_array_equal(default.get_weights()[0], keras.initializers.GlorotUniform(seed)((8, 128)).numpy())


def test_a_planned_variant_is_the_figure_run_with_its_settings(tmp_path):
    out = str(tmp_path)
    fig = figures.get("2024-fig1")
    runner.run_figure(Run(fig, replicas=2, epochs=30, out=out))
    variant = Variant("He-normal init", (("model.initializer", "he_normal"),), replicas=2, epochs=30)
    planned = plan_for(["2024-fig1"], out, plan={"2024-fig1": (variant,)})
    record = run_plan(planned, out, command="test")
    saved = json.loads(open(os.path.join(out, "robustness.json")).read())
    assert saved["claims"] == json.loads(json.dumps(record["claims"]))
    committed = json.loads(open(os.path.join(out, "nakazato2024", "fig1.json")).read())
    assert [row["claim"] for row in record["claims"]] == [c["claim"] for c in committed["claims"]]
    # Independently: the same settings run directly give the variant's verdicts.
    direct = runner.run_figure(Run(with_settings(fig, list(variant.settings)), replicas=2, epochs=30, out=str(tmp_path / "direct")))
    direct_claims = json.loads(open(direct["json"]).read())["claims"]
    for row, claim in zip(record["claims"], direct_claims):
        assert row["committed"]["verdict"] == next(c for c in committed["claims"] if c["claim"] == row["claim"])["verdict"]
        assert row["runs"][0]["verdict"] == claim["verdict"]
        assert row["runs"][0]["headline"] == headline(claim)
    with np.load(direct["npz"]) as a, np.load(os.path.join(variant_out(out, "2024-fig1", variant), "nakazato2024", "fig1.npz")) as b:
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    text = open(write_report(out)).read()
    assert "## Robustness" in text and "He-normal init" in text


def test_the_command_refuses_a_figure_without_its_committed_run(tmp_path, capsys):
    assert main(["robustness", "2024-fig1", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "fig1.json is missing" in err[0] and "run 2024-fig1" in err[0]
    assert main(["robustness", "2024-fig99", "--out", str(tmp_path)]) == 2
    assert "unknown figure id" in capsys.readouterr().err


def test_a_conv_stack_that_leaves_no_position_is_refused_with_the_fix():
    from training_response.replication.models import build_2022

    with pytest.raises(ValueError, match="5 'valid' convolutions of kernel size 5 leave -4 of 16 positions; .*padding='same'"):
        build_2022(layers=5, kernel_size=5, seed=0)
    build_2022(layers=5, kernel_size=5, padding="same", seed=0)
