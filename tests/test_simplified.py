import math

import numpy as np
import pytest

from training_response.replication import simplified


def test_first_steps_by_hand():
    run = simplified.iterate(1.0, 0.5, 2.0, 3, x0=0.2)
    x = 0.2
    for t in range(3):
        s = 1 / (1 + math.exp(-2.0 * x))
        x = x + 0.5 * (1.0 - s) * 2.0 * s * (1 - s)
        assert run["x"][t + 1] == pytest.approx(x, rel=1e-12)
    s = 1 / (1 + math.exp(-2.0 * x))
    assert run["response"][3] == pytest.approx((2.0 * s * (1 - s)) ** 2, rel=1e-12)


@pytest.mark.parametrize("eta, a", [(1.0, 1.0), (0.5, 2.0)])
def test_binary_target_ages_as_one_over_two_eta_t(eta, a):
    """For y_o = 1: e^(2ax) grows as 2a²ηt, so C σ′(x)² → C / (2ηt)."""
    t = 200_000
    run = simplified.iterate(1.0, eta, a, t)
    assert run["response"][t] * 2 * eta * t == pytest.approx(1.0, rel=0.02)


def test_non_binary_target_relaxes_to_the_fixed_point():
    run = simplified.iterate(0.3, 1.0, 1.5, 2000, c=2.0)
    assert run["y"][-1] == pytest.approx(0.3, abs=1e-9)
    assert run["response"][-1] == pytest.approx(2.0 * (1.5 * 0.3 * 0.7) ** 2, rel=1e-6)
    assert np.all(np.diff(run["response"][:50]) <= 0)


def test_bad_parameters():
    with pytest.raises(ValueError, match="learning_rate > 0"):
        simplified.iterate(1.0, 0.0, 1.0, 10)
