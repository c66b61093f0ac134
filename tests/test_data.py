import math

import numpy as np
import pytest

from training_response.data import hamming_distance, is_bit_string, random_bits, shell, shells, target_stream
from training_response.data.targets import draw_point_target


def test_random_bits_values_and_seed():
    pm = random_bits(16, size=50, rng=1)
    assert pm.shape == (50, 16) and set(np.unique(pm)) == {-1.0, 1.0}
    zo = random_bits(16, size=50, values="01", rng=1)
    assert set(np.unique(zo)) == {0.0, 1.0}
    np.testing.assert_array_equal(random_bits(8, rng=3), random_bits(8, rng=3))
    with pytest.raises(ValueError, match="bit encoding"):
        random_bits(8, values="bool")


def test_hamming_distance_by_hand():
    a = np.array([1, -1, 1, 1], np.float32)
    b = np.array([[1, -1, 1, 1], [-1, -1, 1, -1], [-1, 1, -1, -1]], np.float32)
    np.testing.assert_array_equal(hamming_distance(b, a), [0, 2, 4])


@pytest.mark.parametrize("values", ["pm1", "01"])
def test_exhaustive_shells_have_binomial_sizes(values):
    x = random_bits(10, values=values, rng=2)
    for h in range(11):
        members = shell(x, h)
        assert len(members) == math.comb(10, h)
        np.testing.assert_array_equal(hamming_distance(members, x), h)
        assert len({m.tobytes() for m in members}) == len(members)
        assert is_bit_string(members)


def test_sampled_shells_never_repeat_and_follow_the_seed():
    x = random_bits(16, rng=4)
    points, dist = shells(x, [1, 4, 8], samples_per_shell=30, seed=7)
    assert list(np.bincount(dist)[[1, 4, 8]]) == [16, 30, 30]
    for h in (4, 8):
        members = points[dist == h]
        assert len({m.tobytes() for m in members}) == 30
        np.testing.assert_array_equal(hamming_distance(members, x), h)
    again, _ = shells(x, [1, 4, 8], samples_per_shell=30, seed=7)
    np.testing.assert_array_equal(points, again)


def test_sampling_a_huge_shell_by_rejection():
    x = random_bits(200, rng=5)
    members = shell(x, 100, samples=50, rng=1)
    assert len({m.tobytes() for m in members}) == 50
    np.testing.assert_array_equal(hamming_distance(members, x), 100)


def test_shells_keep_the_input_shape():
    x = random_bits(12, rng=6).reshape(12, 1)
    points, dist = shells(x, True)
    assert points.shape == (2**12, 12, 1) and dist.max() == 12


def test_shell_errors():
    with pytest.raises(ValueError, match="bit string"):
        shell(np.array([0.5, 1.0]), 1)
    with pytest.raises(ValueError, match="outside"):
        shell(np.ones(4), 5)


def test_encodings():
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(target_stream("deterministic", 1.0, 5, rng), np.ones(5))
    p1 = target_stream("bernoulli", 0.0, 20000, 1, p1=0.8)
    assert set(np.unique(p1)) == {0.0, 1.0} and abs(p1.mean() - 0.8) < 0.01
    noisy = target_stream("label_noise", 1.0, 20000, 2, p=0.1)
    assert set(np.unique(noisy)) == {0.0, 1.0} and abs((noisy == 0).mean() - 0.1) < 0.01
    np.testing.assert_array_equal(target_stream("bernoulli", 0.0, 50, 3, p1=0.5), target_stream("bernoulli", 0.0, 50, 3, p1=0.5))
    regression = [draw_point_target("regression", np.random.default_rng(s)) for s in range(200)]
    assert all(0.0 < y < 1.0 for y in regression)
    assert {draw_point_target("binary", np.random.default_rng(s)) for s in range(50)} == {0.0, 1.0}
    with pytest.raises(ValueError, match="unknown encoding"):
        target_stream("gaussian", 1.0, 5, rng)
    with pytest.raises(ValueError, match="probability"):
        target_stream("label_noise", 1.0, 5, rng, p=1.5)


def test_random_training_turns_to_the_fixed_pair_from_clean_after():
    from training_response.data.streams import random_training

    x_o = np.array([1.0, -1.0, 1.0, 1.0])
    inputs, targets = random_training(x_o, 1.0, 400, 3, clean_after=300)
    assert np.all(inputs[300:] == x_o) and np.all(targets[300:] == 1.0)
    assert np.mean(np.all(inputs[:300] == x_o, axis=1)) < 0.2  # random before: x_o drawn 1 time in 16
    with pytest.raises(ValueError, match="clean_after"):
        random_training(x_o, 1.0, 400, 3, clean_after=401)


def test_random_training_stream():
    from training_response.data.streams import random_training

    x_o = random_bits(8, rng=0)
    inputs, targets = random_training(x_o, 1.0, 5000, 3, p_fixed=0.2)
    assert inputs.shape == (5000, 8) and set(np.unique(inputs)) == {-1.0, 1.0}
    fixed = np.all(inputs == x_o, axis=1)
    # A random string equals x_o with probability 1/256, with a random target.
    assert 0.18 < fixed.mean() < 0.23 and np.mean(targets[fixed] == 1.0) > 0.97
    assert 0.45 < targets[~fixed].mean() < 0.55
    again, _ = random_training(x_o, 1.0, 5000, 3, p_fixed=0.2)
    np.testing.assert_array_equal(inputs, again)


def test_two_points_at_an_exact_distance():
    from training_response.data.datasets import two_points

    for h in (0, 1, 12, 16):
        x = two_points(16, h, rng=h)
        assert x.shape == (2, 16) and hamming_distance(x[1], x[0]) == h
    with pytest.raises(ValueError, match="distance"):
        two_points(16, 17, rng=0)


def test_grouped_points_are_distinct_and_localized():
    from training_response.data.datasets import grouped_points, max_pairwise_distance

    groups = ({"size": 10, "target": 0}, {"size": 6, "target": 1, "radius": 3}, {"size": 4, "target": 0, "radius": 2})
    for seed in range(20):
        x, y, group = grouped_points(16, groups, rng=seed)
        assert len({row.tobytes() for row in x}) == 20
        assert list(np.bincount(group)) == [10, 6, 4] and list(y) == [0.0] * 10 + [1.0] * 6 + [0.0] * 4
        assert max_pairwise_distance(x[group > 0]) <= 6 and max_pairwise_distance(x[group == 2]) <= 4
    np.testing.assert_array_equal(grouped_points(16, groups, rng=1)[0], grouped_points(16, groups, rng=1)[0])
    with pytest.raises(ValueError, match="distinct"):
        grouped_points(16, ({"size": 5, "target": 0, "radius": 0},), rng=0)


def test_ball_draws_are_uniform_over_the_ball():
    from training_response.data.datasets import in_ball

    center = random_bits(6, rng=0)
    distances = [hamming_distance(in_ball(center, 2, rng), center) for rng in np.random.default_rng(1).spawn(4000)]
    # The ball of radius 2 around a 6-bit string has 1 + 6 + 15 members.
    np.testing.assert_allclose(np.bincount(distances) / 4000, np.array([1, 6, 15]) / 22, atol=0.02)


def test_streams_of_sets_of_points():
    from training_response.data.datasets import full_batch_stream, mixture_stream

    points = random_bits(8, size=2, rng=0)
    inputs, which = mixture_stream(points, 0.25, 20_000, rng=1)
    assert inputs.shape == (20_000, 1, 8) and abs(which.mean() - 0.25) < 0.01
    np.testing.assert_array_equal(inputs[:, 0], points[which])
    with pytest.raises(ValueError, match="probability"):
        mixture_stream(points, 1.5, 10, rng=0)
    x, y = full_batch_stream(random_bits(8, size=20, rng=0), np.zeros(20), 7)
    assert x.shape == (7, 20, 8) and y.shape == (7, 20)
    with pytest.raises(ValueError, match="batch"):
        full_batch_stream(random_bits(8, size=40, rng=0), np.zeros(40), 7)
