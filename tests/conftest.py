import contextlib
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# The package first: it loads TensorFlow without the C++ banners, which pytest-xdist's worker processes
# would otherwise print at the end of the run.
from training_response.data import random_bits  # noqa: E402, I001

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from training_response.replication.models import build_2022, build_2022_images, build_2024  # noqa: E402


@pytest.fixture
def small_dense():
    """A 2024-style network, small enough for exact Jacobians."""
    return build_2024("elu", n_bits=6, features=16, seed=11)


@pytest.fixture
def small_conv():
    """A 2022-style Conv1D network with 2 layers of 3 filters."""
    return build_2022("elu", n_bits=8, layers=2, filters=3, seed=5)


@pytest.fixture
def small_images():
    """A 2022-style Conv2D network on 6×6 images with 2 layers of 3 filters."""
    return build_2022_images("elu", image_shape=(6, 6), layers=2, filters=3, seed=2)


def point_for(model, seed=0):
    shape = tuple(model.inputs[0].shape[1:])
    return random_bits(int(np.prod(shape)), rng=seed).reshape(shape), 1.0


def clone(model):
    """An independent copy of `model` with the same weights and compile settings."""
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    copy.compile(optimizer=keras.optimizers.SGD(float(model.optimizer.learning_rate)), loss=model.loss)
    return copy


@contextlib.contextmanager
def floatx(dtype):
    """Layers built inside take `dtype` (they follow the global dtype policy, not floatx): the float64
    copies the tests hold the probe's float32 numbers against."""
    old, policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)
    try:
        yield
    finally:
        keras.config.set_floatx(old)
        keras.config.set_dtype_policy(policy)
