"""The robustness study: every planned variant is a valid setting of its figure; a variant is a whole
experiment, its comparisons reading the figures they compare with run under the same variant in the same
folder (run first: run.Schedule); a planned variant's run is the figure run directly with its settings;
the window variant cuts each claim's fit window to its last decade; an undefined claim says why in terms
of its replicas (stats.undefined_replicas) and carries the reading over the defined ones, made again from
a variant run's npz (study.with_conditional_readings); the 60,000-image variant asks tensorflow-datasets whatever
$REPLICATION_MNIST says, and is reported as not run where it cannot be reached."""

import copy
import dataclasses
import json
import math
import os
import shutil
import socket

import numpy as np
import pytest

from training_response.data import mnist
from training_response.replication import figures, runner, stats, study
from training_response.replication.__main__ import main
from training_response.replication.claims import INCONCLUSIVE, REPRODUCED, UNDEFINED, VERDICTS, conditional_reading, evaluate_claims, parameters
from training_response.replication.models import build_2024
from training_response.replication.report import write_report
from training_response.replication.results_io import json_ready, load_figure_data, reference_ids
from training_response.replication.robustness import HE_NORMAL, LAST_DECADE, MULTIPLE, PLAN, TFDS, Variant, plan_for, variant_out, variant_runs
from training_response.replication.run import Run
from training_response.replication.run import Schedule
from training_response.replication.sweep import _slots

# NaN in the conditional readings' data is on purpose: numpy's warnings about it are expected.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# The committed run of every figure (read, never written): the size its larger variant multiplies.
RESULTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "results")


# The plan


def _held(fig, key):
    """Every value of setting `key` ('section.key' or 'section.key.subkey') in the figure and its variants."""
    section, _, path = key.partition(".")
    values = []
    for holder in [getattr(fig, section)] + [v.get(section, {}) for v in fig.variants]:
        value = holder
        for part in path.split("."):
            value = value.get(part, KeyError) if isinstance(value, dict) else KeyError
        if value is not KeyError:
            values.append(value)
    return values


def _same(value, text):
    """A parsed setting against the text it was given as: 5 for "5", 1.0 for "1.0", "01" for "01"."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == float(text)
    return str(value) == text


def test_every_planned_variant_is_a_valid_setting_of_its_figure():
    assert set(PLAN) == set(figures.FIGURES)
    for fig_id, variants in PLAN.items():
        fig = figures.get(fig_id)
        assert variants, fig_id
        assert len({v.folder() for v in variants}) == len(variants), f"{fig_id}: two variants share a folder"
        for variant in variants:
            changed = variant.figure(fig)
            for key, text in variant.settings:
                held = _held(changed, key)
                assert held and all(_same(value, text) for value in held), (fig_id, variant.name, key, held)
                assert _same(changed.settings[key], text)
            # The figures it compares with take the variant too.
            for ref in reference_ids(fig):
                variant.figure(figures.get(ref))
            if variant.window is not None:
                assert not variant.settings and variant.window == "last decade"
                assert changed.claims != fig.claims, f"{fig_id}: the window variant changes no claim's window"
            elif variant.mnist is not None:
                assert variant.mnist == TFDS and not variant.settings and fig.kind == "images" and changed == fig
            elif variant.size:
                assert changed == fig and (variant.replicas is None) != (variant.epochs is None)
            else:
                assert variant.settings and changed != fig


def test_the_larger_ensemble_is_the_declared_multiple_of_the_committed_one():
    for fig_id, variants in PLAN.items():
        fig = figures.get(fig_id)
        path = os.path.join(RESULTS, fig.paper, f"{fig.name}.json")
        if not os.path.exists(path):
            continue
        with open(path) as fh:
            committed = json.load(fh)
        for variant in variants:
            if variant.size and variant.replicas is not None:
                assert variant.replicas == MULTIPLE * committed["replicas"], (fig_id, variant.name)
                assert variant.name == f"{MULTIPLE}× runs ({variant.replicas})"


def test_the_window_variant_fits_each_claim_on_the_last_decade_of_its_window():
    """(lo, hi) becomes (hi / 10, hi), hi None (the last epoch) read as the run's epochs: the figure's, or
    the variant's own."""
    fig1, fig4 = figures.get("2024-fig1"), figures.get("2024-fig4")
    assert fig1.epochs == 10000 and fig1.claims[0]["window"] == (10, None)
    cut = LAST_DECADE.figure(fig1)
    assert cut.claims[0]["window"] == (1000, None)
    assert [c for c in cut.claims if "window" not in c] == [c for c in fig1.claims if "window" not in c]
    assert fig4.claims[0]["window"] == (1, 100) and LAST_DECADE.figure(fig4).claims[0]["window"] == (10, 100)
    longer = Variant("last decade of a longer run", epochs=100_000, window="last decade")
    assert longer.figure(fig1).claims[0]["window"] == (10_000, None)
    # The rest of the claim is as it was.
    assert {k: v for k, v in cut.claims[0].items() if k != "window"} == {k: v for k, v in fig1.claims[0].items() if k != "window"}
    assert LAST_DECADE.folder() == "window=last_decade" and not LAST_DECADE.size


def test_variant_runs_put_a_figures_references_in_the_variants_folder_after_it(tmp_path):
    """2024-fig3 compares with Figs. 1-2: under each variant they run into the same folder, once."""
    out = str(tmp_path)
    fig3 = figures.get("2024-fig3")
    other = Variant("η = 1.0", (("training.learning_rate", "1.0"),))
    planned = [(fig3, "unused", (HE_NORMAL, other)), (figures.get("2024-fig1"), "unused", (HE_NORMAL,))]
    runs = variant_runs(planned, out)
    assert [(fig_id, variant.name, planned_here) for fig_id, variant, _, planned_here in runs] == [
        ("2024-fig3", "He-normal init", True),
        ("2024-fig3", "η = 1.0", True),
        ("2024-fig1", "He-normal init", True),
        ("2024-fig2", "He-normal init", False),  # 2024-fig1 under He-normal is planned already
        ("2024-fig1", "η = 1.0", False),
        ("2024-fig2", "η = 1.0", False),
    ]
    for _, variant, run, _ in runs:
        assert run.out == variant_out(out, variant) and run.settings == variant.settings
        assert run.figure == variant.figure(figures.get(run.figure.id))
    assert variant_out(out, HE_NORMAL) == os.path.join(out, "robustness", "model.initializer=he_normal")


# Scheduling


def _runs(*where):
    """Run values of (figure id, folder), as variant_runs makes them (nothing runs)."""
    return [Run(figures.get(fig_id), out=out) for fig_id, out in where]


def test_a_reference_runs_before_the_figures_that_compare_with_it_in_its_folder_only():
    runs = _runs(("2024-fig3", "A"), ("2024-fig1", "A"), ("2024-fig2", "A"), ("2024-fig3", "B"), ("2024-fig1", "C"))
    order = Schedule(runs, {0: 10.0, 1: 1.0, 2: 2.0, 3: 5.0, 4: 20.0})
    # fig3 in A waits for fig1 and fig2 in A, fig2 in A for fig1 in A; fig3 in B has no reference in its
    # folder (fig1 in C is another folder's), so it waits for nothing.
    assert order.waits == [{1, 2}, set(), {1}, set(), set()]
    # A chain's seconds: its own and the longest chain after it (fig2 in A: 2 + 10; fig1 in A: 1 + 12).
    assert order.chain == {0: 10.0, 1: 13.0, 2: 12.0, 3: 5.0, 4: 20.0}
    assert order.ready(set(), set()) == [4, 1, 3]
    assert order.ready({1}, {1, 4}) == [2, 3]
    assert order.ready({1, 2}, {1, 2}) == [4, 0, 3]
    sequence = order.sequence()
    assert sequence == [4, 1, 2, 0, 3] and sorted(sequence) == list(range(len(runs)))


def test_the_longest_chain_starts_first_and_ties_keep_the_runs_order():
    runs = _runs(("2024-fig1", "A"), ("2024-fig1", "B"), ("2024-fig3", "B"), ("2024-fig2", "B"), ("2024-fig4", "A"))
    # Unknown seconds count 1 each: fig1 in B leads to fig2 and on to fig3 (chain 3); fig4 in A compares
    # with fig1 in A (chain 2).
    order = Schedule(runs, {})
    assert order.waits == [set(), set(), {1, 3}, {1}, {0}]
    assert order.ready(set(), set()) == [1, 0]
    assert Schedule(_runs(("2024-fig6", "A"), ("2024-fig1", "A"), ("2024-fig6", "B")), {}).ready(set(), set()) == [0, 1, 2]
    sequence = order.sequence()
    assert sorted(sequence) == list(range(len(runs)))
    for index, waits in enumerate(order.waits):
        assert all(sequence.index(w) < sequence.index(index) for w in waits)


def test_slots_keep_that_many_runs_going_and_never_start_a_run_before_its_references():
    """_slots with a fake pool: submit hands back the index, and the run submitted first ends first."""
    runs = _runs(("2024-fig3", "A"), ("2024-fig1", "A"), ("2024-fig2", "A"), ("2024-fig3", "B"), ("2024-fig1", "B"), ("2024-fig2", "B"), ("2024-fig1", "C"))
    order = Schedule(runs, {6: 100.0})
    started, ended, widest = [], [], [0]
    running = []

    def submit(index):
        assert all(w in ended for w in order.waits[index]), f"run {index} started before {order.waits[index] - set(ended)}"
        started.append(index)
        running.append(index)
        widest[0] = max(widest[0], len(running))
        return index

    def wait_one(handles):
        assert sorted(handles) == sorted(running)
        index = running.pop(0)
        return index, {"row": index}

    rows = {}
    _slots(order, 2, submit, wait_one, lambda index, row: (ended.append(index), rows.__setitem__(index, row)))
    assert sorted(started) == list(range(len(runs))) and rows == {i: {"row": i} for i in range(len(runs))}
    assert widest[0] == 2 and started[0] == 6  # the 100-second run first
    assert ended.index(0) > max(ended.index(1), ended.index(2)) and ended.index(3) > max(ended.index(4), ended.index(5))


# A whole variant run


def _figure_of(row):
    """Which figure a run_many row is, by its claims' texts."""
    texts = {v["claim"] for v in row["verdicts"]}
    return next(fig_id for fig_id in ("2024-fig1", "2024-fig2", "2024-fig3") if texts == {c["claim"] for c in figures.get(fig_id).claims})


def _comparisons(fig):
    return {c["claim"] for c in fig.claims if c.get("reference")}


def test_a_variant_with_a_comparison_runs_its_reference_and_equals_the_direct_run(tmp_path):
    """2024-fig3 compares with Figs. 1-2. Committed here with Fig. 1 only (its Fig. 2 comparisons have no
    reference); under He-normal, the plan runs Figs. 1-2 into the variant's folder first and every
    comparison reads them. The same settings run directly, beside the same references, give the same
    arrays, values and verdicts."""
    out = str(tmp_path / "results")
    fig3 = figures.get("2024-fig3")
    for fig_id in ("2024-fig1", "2024-fig3"):
        runner.run_figure(Run(figures.get(fig_id), replicas=5, epochs=50, out=out))
    with open(os.path.join(out, "nakazato2024", "fig3.json")) as fh:
        committed = json.load(fh)
    missing = [c["claim"] for c in committed["claims"] if c["value"] == {"reference": None}]
    assert missing and set(missing) <= _comparisons(fig3)  # the test can tell a missing reference

    variant = Variant("He-normal init", HE_NORMAL.settings, replicas=5, epochs=50)
    planned = plan_for(["2024-fig3"], out, plan={"2024-fig3": (variant,)})
    rows = []
    record = study.run_plan(planned, out, workers=1, command="test", report=lambda done, total, row, seconds: rows.append(row))
    folder = variant_out(out, variant)
    assert folder == os.path.join(out, "robustness", "model.initializer=he_normal,replicas=5,epochs=50")
    assert sorted(os.listdir(os.path.join(folder, "nakazato2024"))) == sorted(
        [f"{name}.{ext}" for name in ("fig1", "fig2", "fig3") for ext in ("json", "npz", "png")] + ["fig1.shells.npz", "fig2.shells.npz"]
    )
    # The references ran first, into the same folder.
    assert [_figure_of(row) for row in rows][-1] == "2024-fig3" and len(rows) == 3
    assert {row["results"] for row in rows} == {folder} and not any(row["skipped"] for row in rows)
    assert [(r["figure"], r["variant"], r["results"], r["replicas"], r["epochs"]) for r in record["references"]] == [
        ("2024-fig1", "He-normal init", folder, 5, 50),
        ("2024-fig2", "He-normal init", folder, 5, 50),
    ]
    with open(os.path.join(out, "robustness.json")) as fh:
        saved = json.load(fh)
    assert saved == json.loads(json.dumps(record)) and saved["failed"] == []
    assert saved["figures"]["2024-fig3"]["variants"][0]["results"] == folder
    assert sum(saved["counts"]["2024"].values()) == len(fig3.claims) == len(saved["claims"])

    with open(os.path.join(folder, "nakazato2024", "fig3.json")) as fh:
        varied = json.load(fh)
    comparisons = [c for c in varied["claims"] if c["claim"] in _comparisons(fig3)]
    assert len(comparisons) == len(_comparisons(fig3)) >= 2
    for claim in comparisons:
        assert claim["value"] != {"reference": None} and not claim["criterion"].startswith("needs"), claim["claim"]
        assert all(d["quantity"] != "reference" for d in claim["decision"]), claim["claim"]
    # Each claim row holds the committed reading and the variant's, matched by claim.
    for row, claim, mine in zip(saved["claims"], committed["claims"], varied["claims"]):
        assert row["claim"] == claim["claim"] == mine["claim"]
        assert row["committed"]["verdict"] == claim["verdict"] and row["runs"][0]["verdict"] == mine["verdict"]
        assert row["runs"][0]["variant"] == "He-normal init" and row["finding"]["kind"] in ("robust", "depends", "undetermined", "undefined")

    # Directly: the same settings, into a folder that holds the same references.
    direct = tmp_path / "direct"
    shutil.copytree(os.path.join(folder, "nakazato2024"), direct / "nakazato2024", ignore=shutil.ignore_patterns("fig3.*"))
    paths = runner.run_figure(Run(variant.figure(fig3), replicas=5, epochs=50, settings=variant.settings, out=str(direct)))
    with np.load(paths["npz"]) as a, np.load(os.path.join(folder, "nakazato2024", "fig3.npz")) as b:
        assert sorted(a.files) == sorted(b.files)
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    with open(paths["json"]) as fh:
        again = json.load(fh)
    assert again["config_hash"] == varied["config_hash"]
    assert [(c["claim"], c["verdict"], c["value"]) for c in again["claims"]] == [(c["claim"], c["verdict"], c["value"]) for c in varied["claims"]]

    # Finished runs are skipped on a second call; the report has the study's section.
    rows.clear()
    study.run_plan(planned, out, workers=1, command="test", report=lambda done, total, row, seconds: rows.append(row))
    assert len(rows) == 3 and all(row["skipped"] for row in rows)
    text = open(write_report(out)).read()
    assert "## Robustness" in text and "He-normal init" in text


def test_he_normal_changes_the_initial_weights_and_glorot_uniform_stays_the_default():
    import keras

    default, glorot, he = build_2024(seed=3), build_2024(seed=3, initializer="glorot_uniform"), build_2024(seed=3, initializer="he_normal")
    for a, b in zip(default.get_weights(), glorot.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(default.get_weights()[0], he.get_weights()[0])
    # Glorot-uniform by name is Keras' GlorotUniform class with the layer's seed.
    seed = default.layers[0].kernel_initializer.get_config()["seed"]
    np.testing.assert_array_equal(default.get_weights()[0], keras.initializers.GlorotUniform(seed)((8, 128)).numpy())


def test_the_command_refuses_a_figure_without_its_committed_run(tmp_path, capsys):
    assert main(["robustness", "2024-fig1", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "fig1.json is missing" in err[0] and "run 2024-fig1" in err[0]
    assert main(["robustness", "2024-fig99", "--out", str(tmp_path)]) == 2
    assert "unknown figure id" in capsys.readouterr().err
    assert not (tmp_path / "robustness.json").exists()


def test_a_figure_without_a_plan_is_refused(tmp_path):
    with pytest.raises(ValueError, match="2024-fig1 has no robustness plan; planned figures: 2024-fig3"):
        plan_for(["2024-fig1"], str(tmp_path), plan={"2024-fig3": (HE_NORMAL,)})


def test_a_conv_stack_that_leaves_no_position_is_refused_with_the_fix():
    from training_response.replication.models import build_2022

    with pytest.raises(ValueError, match="5 'valid' convolutions of kernel size 5 leave -4 of 16 positions; .*padding='same'"):
        build_2022(layers=5, kernel_size=5, seed=0)
    build_2022(layers=5, kernel_size=5, padding="same", seed=0)


# An undefined claim's conditional reading

TREND = {"claim": "⟨F⟩ decreases", "test": "feature_trend", "expect": "decreasing"}
# claims.conditional_reading's words: the reasons stats.undefined_replicas names, and the why without one.
NON_FINITE = "hold a non-finite measurement"
ZERO = "have a response at x_o (or a point's own at epoch 0) of exactly 0 in float32, which leaves what is normalized by it 0/0"
DEFINED = "every replica's numbers are defined: the value is undefined in the claim's own arithmetic or data it compares with"
# What a conditional reading holds besides its why and left_out: the claim's record over the other replicas.
READING = ("quantity", "value", "ci95", "replicas", "decision", "verdict")


def _features(replicas, change=-0.5, seed=2):
    """⟨F⟩ (R, 5 epochs) from 1, changing linearly by `change` plus noise on the last epoch."""
    rng = np.random.default_rng(seed)
    values = 1.0 + np.outer(np.ones(replicas), np.linspace(0.0, change, 5))
    values[:, -1] += 0.01 * rng.standard_normal(replicas)
    return {"feature_mean": values, "epoch": np.arange(5)}


@pytest.mark.parametrize("replicas", [5, 7])
def test_an_undefined_claim_carries_the_reading_over_its_finite_replicas(replicas):
    """One replica's ⟨F⟩ at the last epoch (what decides the claim) is NaN: the claim is undefined, and its
    conditional reading is the claim's record on the other replicas, evaluated directly (4 replicas: on
    the value, below a bootstrap's 5; 6: with the same bootstrap)."""
    data = _features(replicas)
    data["feature_mean"][2, -1] = np.nan
    [record] = evaluate_claims([TREND], {"": data}, resamples=50)
    assert record["verdict"] == UNDEFINED and record["value"]["relative_change"] != record["value"]["relative_change"]
    conditional = record["conditional"]
    kept = [i for i in range(replicas) if i != 2]
    [direct] = evaluate_claims([TREND], {"": stats.resample_replicas(data, np.array(kept))}, resamples=50)
    assert sorted(conditional) == sorted(("why", "left_out") + READING)
    assert conditional["left_out"] == 1 and conditional["replicas"] == replicas - 1 == direct["replicas"]
    assert conditional["verdict"] == direct["verdict"] == REPRODUCED
    for key in ("quantity", "value", "ci95", "decision"):
        assert conditional[key] == direct[key], key
    assert conditional["why"] == f"1 of {replicas} replicas {NON_FINITE}; the reading over the other {replicas - 1}"
    assert (conditional["decision"][0]["ci95"] is None) == (replicas - 1 < stats.BOOTSTRAP_MIN_REPLICAS)
    # Every replica finite and the claim defined: no conditional reading.
    [clean] = evaluate_claims([TREND], {"": _features(replicas)}, resamples=50)
    assert clean["verdict"] in VERDICTS and clean["verdict"] != UNDEFINED and "conditional" not in clean


def test_an_undefined_claim_without_a_reading_over_other_replicas_says_why():
    """Every undefined claim gets a conditional, with a why alone when dropping replicas explains nothing:
    every replica's numbers defined (a zero start: a relative change of 0/0 is NaN), none defined, or no
    runs at all. A claim that is not undefined gets none."""
    flat = _features(5)
    flat["feature_mean"][:, 0] = 0.0
    [record] = evaluate_claims([TREND], {"": flat}, resamples=50)
    assert record["verdict"] == UNDEFINED and record["conditional"] == {"why": DEFINED, "left_out": 0}
    dead = _features(5)
    dead["feature_mean"][:, -1] = np.nan
    [record] = evaluate_claims([TREND], {"": dead}, resamples=50)
    assert record["verdict"] == UNDEFINED and record["conditional"] == {"why": f"5 of 5 replicas {NON_FINITE}", "left_out": 5}
    assert conditional_reading(TREND["test"], parameters(TREND), {}, None) == {"why": "no runs", "left_out": 0}
    # An inconclusive claim is not undefined: none.
    [record] = evaluate_claims([TREND], {"": _features(5, change=-0.04)}, resamples=50)
    assert record["verdict"] == INCONCLUSIVE and "conditional" not in record


def test_undefined_replicas_by_hand_non_finite():
    """Per replica, whether some float it holds is not finite; shared arrays and integers are not read."""
    step = np.ones((4, 3, 2))
    step[1, 2, 0] = np.inf
    output = np.zeros((4, 3))
    output[3, 0] = np.nan
    data = {"step": step, "output": output, "labels": np.full((4, 3), -1), "epoch": np.array([0.0, np.nan, 2.0]), "distance": np.array([0.0, 1.0])}
    [(reason, mask)] = stats.undefined_replicas(data)
    assert reason == NON_FINITE and mask.tolist() == [False, True, False, True]
    assert stats.undefined_replicas({"step": np.ones((2, 3))}) == []


def _around_x_o(replicas=4, epochs=3, seed=0):
    """A response around x_o, (R, T, P): x_o (distance 0) and two points at each of distances 1 and 2."""
    rng = np.random.default_rng(seed)
    return {"step": 1.0 + rng.random((replicas, epochs, 5)), "epoch": np.arange(epochs), "distance": np.array([0, 1, 1, 2, 2])}


def test_undefined_replicas_by_hand_a_response_at_x_o_of_zero():
    """A replica whose response at x_o is exactly 0 at one epoch (any epoch, any SGD kind) leaves its kernel
    0/0 there; a 0 away from x_o, or data without x_o among its points, is no reason."""
    data = _around_x_o()
    data["step"][2, 1, 0] = 0.0  # replica 2, epoch 1, at x_o
    data["step"][0, 2, 3] = 0.0  # replica 0, away from x_o: defined
    data["ntk"] = np.ones((4, 3, 5), np.float32)
    data["ntk"][3, 2, 0] = 0.0  # replica 3, the last epoch, another SGD kind
    assert [(reason, mask.tolist()) for reason, mask in stats.undefined_replicas(data)] == [(ZERO, [False, False, True, True])]
    # The kernel is NaN exactly there.
    _, k = stats.kernel(data["step"], data["distance"])
    assert np.isnan(k[2, 1]).all() and np.isfinite(np.delete(k.reshape(12, 3), 2 * 3 + 1, axis=0)).all()
    # Without x_o among the points there is no response at x_o to divide by: nothing to say.
    assert stats.undefined_replicas({**data, "distance": data["distance"] + 1}) == []
    # Both reasons: listed in that order, each with its own replicas (one replica may have both).
    data["step"][1, 0, 4] = np.nan
    data["step"][2, 0, 1] = np.nan
    assert [(reason, mask.tolist()) for reason, mask in stats.undefined_replicas(data)] == [
        (NON_FINITE, [False, True, True, False]),
        (ZERO, [False, False, True, True]),
    ]


def test_undefined_replicas_by_hand_a_zero_self_response_over_a_set_of_points():
    """Over a set of points, (R, T, N, N): a point's own response (a diagonal entry) of 0 at epoch 0, what
    the self-response is normalized by, leaves that replica undefined; at a later epoch, or off the
    diagonal, a 0 is a number like any other."""
    rng = np.random.default_rng(1)
    step = 1.0 + rng.random((5, 4, 3, 3)).astype(np.float32)
    step[1, 0, 2, 2] = 0.0  # replica 1: point 2's own response at epoch 0
    step[3, 2, 0, 0] = 0.0  # replica 3: a later epoch
    step[4, 0, 0, 1] = 0.0  # replica 4: another point's response
    data = {"step": step, "epoch": np.arange(4)}
    assert [(reason, mask.tolist()) for reason, mask in stats.undefined_replicas(data)] == [(ZERO, [False, True, False, False, False])]
    step[0, 0, 1, 1] = np.nan
    assert [(reason, mask.tolist()) for reason, mask in stats.undefined_replicas(data)] == [
        (NON_FINITE, [True, False, False, False, False]),
        (ZERO, [False, True, False, False, False]),
    ]


DECREASING = {"claim": "the kernels decrease with the distance", "test": "kernel_decreasing"}


def _kernels(replicas=8, epochs=4, seed=3):
    """Shell data whose kernel falls as exp(−h/2) (plus noise) at every epoch, the response at x_o decaying
    from 1 to 0.5: every number finite and nonzero."""
    rng = np.random.default_rng(seed)
    levels = np.arange(9)
    kernel = np.exp(-levels / 2.0) + 0.01 * rng.standard_normal((replicas, epochs, len(levels)))
    kernel[:, :, 0] = 1.0
    step = kernel * np.linspace(1.0, 0.5, epochs)[None, :, None]
    return {"step": step, "epoch": np.arange(epochs), "distance": levels, "kernel_epochs": np.arange(epochs)}


def test_a_claim_whose_kernel_is_zero_over_zero_in_some_replicas_is_read_over_the_others():
    """Every number finite, but the response at x_o of replicas 1 and 5 is exactly 0 at epoch 2: their
    kernel is 0/0 there, the ensemble mean NaN, the claim undefined. Its conditional reading is the claim's
    record over the other six, evaluated directly."""
    data = _kernels()
    data["step"][[1, 5], 2, 0] = 0.0
    assert all(np.isfinite(value).all() for value in data.values())
    [record] = evaluate_claims([DECREASING], {"": data}, resamples=50)
    assert record["verdict"] == UNDEFINED and math.isnan(record["value"]["largest_rho"])
    conditional = record["conditional"]
    assert conditional["why"] == f"2 of 8 replicas {ZERO}; the reading over the other 6" and conditional["left_out"] == 2
    [direct] = evaluate_claims([DECREASING], {"": stats.resample_replicas(data, np.array([0, 2, 3, 4, 6, 7]))}, resamples=50)
    assert direct["verdict"] == REPRODUCED and direct["replicas"] == 6
    for key in READING:
        assert conditional[key] == direct[key], key
    # One more replica with a non-finite number: both reasons, each counted, the reading over the other five.
    data["step"][6, 3, 4] = np.nan
    [record] = evaluate_claims([DECREASING], {"": data}, resamples=50)
    assert record["conditional"]["why"] == f"1 of 8 replicas {NON_FINITE}; 2 of 8 replicas {ZERO}; the reading over the other 5"
    assert record["conditional"]["left_out"] == 3 and record["conditional"]["replicas"] == 5
    [direct] = evaluate_claims([DECREASING], {"": stats.resample_replicas(data, np.array([0, 2, 3, 4, 7]))}, resamples=50)
    for key in READING:
        assert record["conditional"][key] == direct[key], key


def test_with_conditional_readings_reads_an_undefined_claims_replicas_again_from_its_npz(tmp_path):
    """A tiny real 2024-fig1 run; its kernel claim set undefined by hand, with a stale conditional: the
    conditional is made again from the npz. Every replica's numbers defined: the why alone. With replica 2's
    response at x_o set to 0 at epoch 10 in the npz: the reading over the other five, equal to the claim's
    record on them evaluated directly. Without an npz beside the json the record comes back unchanged."""
    fig = figures.get("2024-fig1")
    run = Run(fig, replicas=6, epochs=30, out=str(tmp_path / "results"))
    paths = runner.run_figure(run)
    with open(paths["json"]) as fh:
        written = json.load(fh)
    assert written["diverged"] == []
    index = next(i for i, c in enumerate(fig.claims) if c["test"] == "kernel_decreasing")

    def undefined_by_hand():
        record = copy.deepcopy(written)
        claim = record["claims"][index]
        claim["verdict"] = UNDEFINED
        claim["conditional"] = {"why": "stale", "left_out": 99}
        return record

    before = undefined_by_hand()
    record = study.with_conditional_readings(run, before)
    assert record["claims"][index]["conditional"] == {"why": DEFINED, "left_out": 0}
    # The other claims are as they were.
    assert [c for i, c in enumerate(record["claims"]) if i != index] == [c for i, c in enumerate(written["claims"]) if i != index]

    with np.load(paths["npz"]) as z:
        arrays = {name: z[name] for name in z.files}
    row = list(arrays["epoch"]).index(10)
    arrays["step"][2, row, arrays["distance"] == 0] = 0.0
    np.savez(paths["npz"], **arrays)
    record = study.with_conditional_readings(run, undefined_by_hand())
    conditional = record["claims"][index]["conditional"]
    assert conditional["why"] == f"1 of 6 replicas {ZERO}; the reading over the other 5" and conditional["left_out"] == 1
    data = load_figure_data(paths["npz"])[""]
    [direct] = evaluate_claims([fig.claims[index]], {"": stats.resample_replicas(data, np.array([0, 1, 3, 4, 5]))})
    direct = json_ready(direct)
    assert direct["replicas"] == 5 and direct["verdict"] in VERDICTS
    for key in READING:
        assert conditional[key] == direct[key], key
    assert json.loads(json.dumps(record)) == record  # still json-ready

    # The json alone, without its npz: unchanged, the stale conditional too.
    elsewhere = tmp_path / "json only"
    (elsewhere / fig.paper).mkdir(parents=True)
    shutil.copy(paths["json"], elsewhere / fig.paper / f"{fig.name}.json")
    alone = undefined_by_hand()
    assert study.with_conditional_readings(dataclasses.replace(run, out=str(elsewhere)), alone) == undefined_by_hand()


# MNIST: tensorflow-datasets' 60,000 images


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """No network and an empty tfds cache (what tfds_unavailable and load(TFDS) see offline), with
    $REPLICATION_MNIST naming a valid local file."""
    import tensorflow_datasets
    from tensorflow_datasets.core import constants

    def unreachable(address, timeout):
        raise OSError("Network is unreachable")

    for name in ("https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.setattr(socket, "create_connection", unreachable)
    monkeypatch.setattr(tensorflow_datasets, "load", lambda *args, **kwargs: pytest.fail("tfds.load was called"))
    path = tmp_path / "local.npz"
    np.savez(path, x=np.zeros((3, 28, 28), np.uint8), y=np.arange(3))
    monkeypatch.setenv(mnist.ENV, str(path))
    return str(path)


def test_the_60k_source_asks_tensorflow_datasets_whatever_the_environment_says(offline):
    assert mnist.load().source == f"npz file {offline} (3 images)"  # $REPLICATION_MNIST, for every other run
    with pytest.raises(mnist.MnistUnavailable) as error:
        mnist.load(TFDS)
    message = str(error.value)
    assert "not in tensorflow-datasets' cache" in message and "Network is unreachable" in message and offline not in message
    reason = mnist.tfds_unavailable()
    assert reason == message.split(";")[0] and "\n" not in reason and "--mnist" not in reason


def test_offline_the_60k_variant_is_reported_as_not_run(offline, tmp_path):
    """Nothing runs: the committed 2024-fig1 (a copy of results/nakazato2024/fig1.json) keeps its rows,
    with no variant reading, and the variant says why it did not run."""
    out = tmp_path / "results"
    (out / "nakazato2024").mkdir(parents=True)
    shutil.copy(os.path.join(RESULTS, "nakazato2024", "fig1.json"), out / "nakazato2024" / "fig1.json")
    variant = Variant("MNIST 60,000 images", mnist=TFDS, replicas=5, epochs=50)
    record = study.run_plan(plan_for(["2024-fig1"], str(out), plan={"2024-fig1": (variant,)}), str(out), workers=1)
    [entry] = record["figures"]["2024-fig1"]["variants"]
    assert entry["not_run"] == f"not run: no network ({mnist.tfds_unavailable()})" and entry["mnist"] == TFDS
    assert record["failed"] == [] and record["references"] == [] and record["run_seconds"] == 0
    assert all(row["runs"] == [] for row in record["claims"]) and not os.path.exists(variant_out(str(out), variant))
    assert dataclasses.asdict(variant)["mnist"] == TFDS and variant.folder() == "replicas=5,epochs=50,mnist=60k"
