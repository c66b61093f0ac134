"""probe.dead_share: a feature counts as dead when it is nonzero on at most this share of the probe inputs
(0, the default: on none), in feature_statistics, both engines, the ResponseProbe, the settings and the
dead-fraction claims."""

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

from training_response import ResponseProbe
from training_response.data import random_bits
from training_response.features import feature_statistics
from training_response.replication import figures, settings, stats
from training_response.replication.claims.features import check_dead_fraction
from training_response.replication.results_io import comparison_arrays
from training_response.replication.training import TRAINERS, run_ensemble


# feature_statistics against a hand count -----------------------------------------------------------------


def feature_matrix(inputs, active_counts, seed=0):
    """(inputs, features): feature j nonzero (positive or negative) on exactly active_counts[j] inputs."""
    rng = np.random.default_rng(seed)
    f = np.zeros((inputs, len(active_counts)), np.float32)
    for j, count in enumerate(active_counts):
        rows = rng.choice(inputs, count, replace=False)
        f[rows, j] = rng.uniform(0.1, 2.0, count) * rng.choice([-1.0, 1.0], count)
    return f


def statistics(f, dead_share, compiled):
    def run(x):
        return feature_statistics(lambda params, x: x, [], x, dead_share)

    fn = tf.function(run, jit_compile=True) if compiled else run
    return {k: float(v) for k, v in fn(tf.constant(f)).items()}


# 256 inputs: 1% is 2.56 inputs (dead: active on at most 2), 5% is 12.8 (at most 12).
COUNTS_256 = (0, 0, 1, 2, 3, 4, 12, 13, 20, 128, 256)
# 200 inputs: 1% is exactly 2 and 5% exactly 10 inputs, so a feature active on 2 (10) is dead at the bound.
COUNTS_200 = (0, 1, 2, 3, 9, 10, 11, 100, 200)


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "xla"])
@pytest.mark.parametrize(
    "inputs, counts, share, dead",
    [
        (256, COUNTS_256, 0.0, 2),  # the two features with count 0
        (256, COUNTS_256, 0.01, 4),  # 0, 0, 1, 2
        (256, COUNTS_256, 0.05, 7),  # 0, 0, 1, 2, 3, 4, 12
        (200, COUNTS_200, 0.0, 1),
        (200, COUNTS_200, 0.01, 3),  # 0, 1, 2 (2/200 = 1%: the tie counts as dead)
        (200, COUNTS_200, 0.05, 6),  # 0, 1, 2, 3, 9, 10 (10/200 = 5%: the tie counts as dead)
    ],
)
def test_dead_fraction_is_the_hand_count(inputs, counts, share, dead, compiled):
    f = feature_matrix(inputs, counts)
    assert list((f != 0).sum(axis=0)) == list(counts)
    out = statistics(f, share, compiled)
    assert out["dead_fraction"] == pytest.approx(dead / len(counts), abs=1e-7)
    assert out["feature_mean"] == pytest.approx(float(np.mean(f)), rel=1e-5, abs=1e-7)


def test_share_zero_is_zero_on_every_input_exactly_as_before():
    f = feature_matrix(256, COUNTS_256, seed=3)
    before = tf.reduce_mean(tf.cast(tf.reduce_all(tf.equal(f, 0.0), axis=0), tf.float32))
    for out in (feature_statistics(lambda p, x: x, [], tf.constant(f)), feature_statistics(lambda p, x: x, [], tf.constant(f), 0.0)):
        assert out["dead_fraction"].numpy() == before.numpy() == np.float32(2 / len(COUNTS_256))


# The ResponseProbe in a plain model.fit --------------------------------------------------------------------

N_BITS = 8
# Hidden features w·x + b with w a ±1 sign pattern: on the 256 ±1 strings w·x = 8 − 2m (m mismatches), so
# b = −9 is active nowhere, −7 on 1 input (m = 0), −5 on 1 + 8 = 9, −3 on 1 + 8 + 28 = 37; the odd biases
# never meet w·x exactly. Each count twice, with different patterns; 8 more features keep Glorot weights and
# zero bias, active on exactly half of the inputs (x and −x are both among them).
THRESHOLD_BIASES = (-9.0, -7.0, -5.0, -3.0) * 2
RANDOM_FEATURES = 8
# Dead at epoch 0 of the 16 features: count 0 (share 0); counts 0, 1 (1%: at most 2.56 of 256);
# counts 0, 1, 9 (5%: at most 12.8).
DEAD_AT_START = {0.0: 2 / 16, 0.01: 4 / 16, 0.05: 6 / 16}


def threshold_model():
    keras.utils.set_random_seed(5)
    inputs = keras.Input((N_BITS,))
    hidden = keras.layers.Dense(len(THRESHOLD_BIASES) + RANDOM_FEATURES, activation="relu", name="hidden")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(1, name="head")(hidden))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    kernel, bias = model.get_layer("hidden").get_weights()
    rng = np.random.default_rng(7)
    for j, b in enumerate(THRESHOLD_BIASES):
        kernel[:, j] = rng.choice([-1.0, 1.0], N_BITS)
        bias[j] = b
    model.get_layer("hidden").set_weights([kernel, bias])
    return model


def hand_dead_fraction(model, x, share):
    kernel, bias = model.get_layer("hidden").get_weights()
    active = ((np.asarray(x, np.float64) @ kernel + bias) > 0).sum(axis=0)
    return float(np.mean(active / len(x) <= share))


def test_probe_dead_share_in_a_plain_fit_is_the_hand_fraction_of_the_feature_layer():
    model = threshold_model()
    x_o = random_bits(N_BITS, rng=1)
    probes = {share: ResponseProbe(x_o, 1.0, shells=True, epochs=[3], kinds=("output", "features"), dead_share=share) for share in DEAD_AT_START}
    default = ResponseProbe(x_o, 1.0, shells=True, epochs=[3], kinds=("output", "features"))
    start = {share: hand_dead_fraction(model, probes[share].probe_x, share) for share in DEAD_AT_START}
    model.fit(x_o[None], np.ones((1, 1)), epochs=3, batch_size=1, verbose=0, callbacks=[default, *probes.values()])
    for share, probe in probes.items():
        history = probe.history
        assert len(probe.probe_x) == 256
        assert list(history["epoch"]) == [0, 3]
        assert start[share] == DEAD_AT_START[share]
        assert history["dead_fraction"][0] == pytest.approx(DEAD_AT_START[share])
        assert history["dead_fraction"][1] == pytest.approx(hand_dead_fraction(model, probe.probe_x, share))
    # dead_share=0 is the same probe as none passed, to the bit.
    for key, value in default.history.items():
        np.testing.assert_array_equal(probes[0.0].history[key], value, err_msg=key)


@pytest.mark.parametrize("bad", [-0.01, 1.0, 1.5, float("nan"), True, "0.05", None])
def test_probe_refuses_a_share_outside_zero_to_one(bad):
    with pytest.raises(ValueError, match=r"dead_share=.* must be a number in \[0, 1\)"):
        ResponseProbe(np.ones(4, np.float32), 1.0, shells=[0], kinds=("features",), dead_share=bad)


# Settings ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1", "1.5", "-0.1", "nan"])
def test_settings_refuse_a_share_outside_zero_to_one(text):
    with pytest.raises(ValueError, match=r"2024-fig7: setting probe.dead_share = .* is outside \[0, 1\)"):
        settings.with_settings(figures.get("2024-fig7"), [("probe.dead_share", text)])


def test_settings_check_refuses_a_share_in_the_config_and_takes_one_inside():
    fig = figures.get("2024-fig7")
    with pytest.raises(ValueError, match=r"probe.dead_share = 2 is outside \[0, 1\)"):
        dataclasses.replace(fig, probe={**fig.probe, "dead_share": 2})
    changed = settings.with_settings(fig, [("probe.dead_share", "0.05")])
    assert changed.probe["dead_share"] == 0.05 and changed.settings == {"probe.dead_share": 0.05}
    assert "probe.dead_share" in settings.valid_keys(fig)
    assert "dead_share" not in fig.probe  # the paper's config (and its hash) is unchanged


# Both engines ----------------------------------------------------------------------------------------------

REPLICAS, EPOCHS, SEED = 2, 1000, 1


def random_training(*assignments):
    """2024-fig7's random-training variant at η = 0.5, where features die within 1000 epochs (and the two
    engines stay together; at η = 1 the trajectories are chaotic, float32 differences grow)."""
    fig = settings.with_settings(figures.get("2024-fig7"), [("training.learning_rate", "0.5"), *assignments])
    return dict(fig.variant_configs())["random"]


@pytest.fixture(scope="module")
def engine_runs():
    return {
        "none": run_ensemble(random_training(), REPLICAS, EPOCHS, SEED),
        "zero": run_ensemble(random_training(("probe.dead_share", "0")), REPLICAS, EPOCHS, SEED),
        "five": run_ensemble(random_training(("probe.dead_share", "0.05")), REPLICAS, EPOCHS, SEED),
    }


def test_engine_and_fit_count_the_same_dead_features_at_five_percent(engine_runs):
    fit = run_ensemble(random_training(("probe.dead_share", "0.05")), REPLICAS, EPOCHS, SEED, trainer=TRAINERS["fit"])
    ensemble = engine_runs["five"]
    np.testing.assert_array_equal(ensemble["dead_fraction"], fit["dead_fraction"])
    np.testing.assert_allclose(ensemble["feature_mean"], fit["feature_mean"], rtol=2e-4)
    for data in (ensemble, fit):
        assert data["dead_share"].shape == (REPLICAS,) and np.all(data["dead_share"] == np.float32(0.05))
    # The share counts more features as dead than "0 on every input" does, never fewer.
    assert np.all(ensemble["dead_fraction"] >= engine_runs["none"]["dead_fraction"])
    assert np.all(ensemble["dead_fraction"][:, -1] > engine_runs["none"]["dead_fraction"][:, -1])


def test_engine_share_zero_gives_the_same_arrays_as_no_share(engine_runs):
    none, zero = engine_runs["none"], engine_runs["zero"]
    assert set(none) == set(zero)
    for key in none:
        np.testing.assert_array_equal(zero[key], none[key], err_msg=key)
    assert np.all(none["dead_share"] == 0)


# What the run records, and the claims' words ---------------------------------------------------------


def dead_data(share=None, replicas=6):
    rng = np.random.default_rng(0)
    data = {"dead_fraction": rng.uniform(0.6, 0.9, (replicas, 3)), "feature_mean": np.ones((replicas, 3)), "epoch": np.arange(3)}
    if share is not None:
        data["dead_share"] = np.full(replicas, share, np.float32)
    return data


@pytest.mark.parametrize(
    "share, words",
    [(None, "(0 on every input)"), (0.0, "(0 on every input)"), (0.01, "(nonzero on at most 1% of the inputs)"), (0.05, "(nonzero on at most 5% of the inputs)")],
)
def test_the_dead_fraction_criterion_names_the_share(share, words):
    params = {"at_least": 0.8, "fail_below": 0.5}
    reading = check_dead_fraction(dead_data(share), params)
    assert f"the mean fraction of dead features {words} at the last epoch" in reading.criterion
    old = check_dead_fraction(dead_data(None), params)
    assert reading.value == old.value
    if not share:  # the paper's definition: the same words as before the share existed
        assert reading.quantity == "fraction of features that are 0 on all inputs, at the last epoch"
        assert reading.criterion == old.criterion
    else:
        assert f"{share:.0%}" in reading.quantity


def test_the_recorded_share_is_resampled_and_compared_with_the_replicas():
    data = dead_data(0.05)
    resampled = stats.resample_replicas(data, np.array([0, 0, 5]))
    assert resampled["dead_share"].shape == (3,) and resampled["dead_fraction"].shape == (3, 3)
    assert "inputs" in check_dead_fraction(resampled, {"at_least": 0.8, "fail_below": 0.5}).criterion
    assert np.array_equal(comparison_arrays(data)["dead_share"], data["dead_share"])
