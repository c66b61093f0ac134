"""Settings: every figure's config is checked against typed keys when it is built, and `run --set`
changes one setting, records it, and never writes over the paper's results."""

import dataclasses
import inspect
import json
import os

import pytest

from training_response.replication import figures, settings
from training_response.replication.__main__ import main
from training_response.replication.models import BUILDERS, LAYERS, LEARNING_RATE


@pytest.mark.parametrize("builder", sorted(BUILDERS))
def test_the_model_keys_are_the_builders_keyword_arguments_with_their_types(builder):
    # A builder compiles its layers function's layers with both papers' SGD; the learning rate is a
    # training setting (problem.build_model compiles with it).
    parameters = inspect.signature(LAYERS[builder]).parameters
    expected = {name: type(p.default) for name, p in parameters.items() if name != "seed"}
    assert settings.MODEL[builder] == expected
    assert float(BUILDERS[builder](seed=0).optimizer.learning_rate) == pytest.approx(LEARNING_RATE)


def test_every_papers_figure_has_only_known_keys_of_the_right_type():
    for fig in figures.FIGURES.values():
        settings.check(fig)
        assert not fig.settings and "settings" not in fig.to_json()


@pytest.mark.parametrize(
    "section, change, message",
    [
        ("model", {"featurs": 3}, r"unknown setting 'model.featurs'; did you mean 'model.features'\? valid settings: model.activation"),
        ("model", {"features": "3"}, r"setting model.features = '3' is a str; it takes int"),
        ("probe", {"shells": 3}, r"setting probe.shells = 3 is a int; it takes bool or tuple"),
        ("model", {"learning_rate": 0.1}, r"unknown setting 'model.learning_rate'; did you mean 'training.learning_rate'\?"),
    ],
)
def test_a_config_with_an_unknown_key_or_a_wrong_type_is_refused_when_built(section, change, message):
    fig = figures.get("2024-fig1")
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(fig, **{section: {**getattr(fig, section), **change}})


def test_a_variants_wrong_override_is_refused_naming_the_variant():
    fig = figures.get("2022-fig4")
    variants = (dict(fig.variants[0], training={"encoding_params": 0.5}),) + fig.variants[1:]
    with pytest.raises(ValueError, match=r"\(variant 'unbiased_H1'\): setting training.encoding_params = 0.5"):
        dataclasses.replace(fig, variants=variants)


def test_values_are_parsed_by_the_keys_type():
    fig = figures.get("2024-fig1")
    changed = settings.with_settings(
        fig,
        [("model.features", "512"), ("training.learning_rate", "0.01"), ("probe.kinds", "step, ntk,output"), ("probe.samples_per_shell", "none")],
    )
    assert changed.model["features"] == 512 and changed.training["learning_rate"] == 0.01
    assert changed.probe["kinds"] == ("step", "ntk", "output") and changed.probe["samples_per_shell"] is None
    assert changed.settings == {"model.features": 512, "training.learning_rate": 0.01, "probe.kinds": ("step", "ntk", "output"), "probe.samples_per_shell": None}
    assert fig.model["features"] == 128 and not fig.settings  # the paper's figure is untouched
    assert settings.with_settings(figures.get("2022-fig1"), [("probe.shells", "false")]).probe["shells"] is False


def test_a_setting_reaches_every_variant_and_entries_of_a_group_are_set_one_by_one():
    fig = figures.get("2022-fig4")  # variants set their own dataset (H = 1 or 12) and encoding parameters
    changed = settings.with_settings(fig, [("training.encoding_params.p1", "0.3"), ("training.dataset.alpha", "0.05")])
    for label, variant in changed.variant_configs():
        assert variant.training["encoding_params"]["p1"] == 0.3 and variant.training["dataset"]["alpha"] == 0.05
        assert variant.training["dataset"]["distance"] == (12 if label.endswith("H12") else 1)
    relu = settings.with_settings(figures.get("2022-fig2"), [("model.activation", "softplus")])
    assert {v.model["activation"] for _, v in relu.variant_configs()} == {"softplus"}


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("model.features", "many", "model.features takes int"),
        ("model.builder", "nakazato2022", "unknown setting 'model.builder'"),
        ("training.encoding_params", "3", "is a group of settings; set one entry"),
        ("training.encoding_params.q", "3", "valid entries of training.encoding_params: p"),
        ("weights.features", "3", "unknown setting 'weights.features'"),
    ],
)
def test_a_bad_setting_is_a_value_error_naming_it(name, text, message):
    with pytest.raises(ValueError, match=message):
        settings.with_settings(figures.get("2024-fig3"), [(name, text)])


def test_assignments_and_folder_names():
    assert settings.parse_assignment(" model.features = 512 ") == ("model.features", "512")
    with pytest.raises(ValueError, match="is not KEY=VALUE"):
        settings.parse_assignment("model.features")
    assert settings.folder_name({"model.features": 512, "probe.kinds": ("step", "ntk"), "x": "a/b c"}) == "model.features=512,probe.kinds=step-ntk,x=a_b_c"


def test_run_with_set_records_the_setting_and_leaves_the_papers_results_alone(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "2024-fig1", "--set", "model.features=16", "--replicas", "2", "--epochs", "3"]) == 0
    folder = tmp_path / "results" / "settings" / "model.features=16"
    record = json.loads((folder / "nakazato2024" / "fig1.json").read_text())
    assert record["config"]["settings"] == {"model.features": 16} and record["config"]["model"]["features"] == 16
    assert "--set model.features=16" in record["command"]
    assert os.listdir(tmp_path / "results") == ["settings"]
    # The paper's config and the changed one are different results, each up to date in its own folder.
    assert main(["run", "2024-fig1", "--replicas", "2", "--epochs", "3", "--out", str(folder)]) == 0
    assert "settings" not in json.loads((folder / "nakazato2024" / "fig1.json").read_text())["config"]
    capsys.readouterr()
    assert main(["run", "2024-fig1", "--set", "model.featurs=16"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "did you mean 'model.features'" in error


@pytest.mark.parametrize(
    "change, message",
    [
        ({"windw": (1, 10)}, r"has an unknown parameter 'windw'; valid: claim, test"),
        ({"window": 10}, r"window = 10 is a int; it takes tuple"),
        ({"test": "power_lw"}, r"names no known check \('power_lw'\)"),
        ({"variant": "tanh"}, r"is about variant 'tanh'; the figure's are \['random', 'with_fixed', 'random_then_clean'\]"),
    ],
)
def test_a_claim_with_an_unknown_or_mistyped_parameter_is_refused_when_built(change, message):
    fig = figures.get("2024-fig7")
    claims = ({**fig.claims[0], **change},) + fig.claims[1:]
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(fig, claims=claims)
