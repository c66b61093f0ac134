"""The Conv2D gradient the measurement takes where oneDNN's kernel would corrupt the heap (a strided 1×1
convolution over fewer than 16 channels, the residual shortcut of Keras' "image classification from
scratch"): equal to a float64 ground truth, in force only inside the measurement, and the probe on that
model shape runs clean where TensorFlow's own gradient kills the process."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import tensorflow as tf
from tensorflow.python.framework import ops as tf_ops

from training_response import conv_gradient

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def conv_gradients(x, w, strides, padding, dtype):
    x, w = tf.constant(x, dtype), tf.constant(w, dtype)
    with tf.GradientTape() as tape:
        tape.watch([x, w])
        y = tf.nn.conv2d(x, w, strides, padding)
        loss = tf.reduce_sum(y * tf.reshape(tf.cast(tf.range(tf.size(y)) % 7, dtype) / 7, tf.shape(y)))
    return [g.numpy() for g in tape.gradient(loss, [x, w])]


@pytest.mark.parametrize("strides, padding, size", [(2, "SAME", 9), (2, "VALID", 9), (3, "SAME", 10), ((2, 3), "VALID", 8)])
def test_the_replacement_equals_float64_where_the_kernel_would_fault(strides, padding, size):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, size, size, 8))  # a batch of one, 8 input channels: the faulting shape
    w = rng.standard_normal((1, 1, 8, 16))
    registry = tf_ops._gradient_registry._registry["Conv2D"]
    with conv_gradient.conv_gradients_that_do_not_fault():
        assert registry["type"] is conv_gradient._conv2d_gradient
        dx, dw = conv_gradients(x, w, strides, padding, tf.float32)
    assert registry["type"] is not conv_gradient._conv2d_gradient  # the user's training keeps TensorFlow's
    dx64, dw64 = conv_gradients(x, w, strides, padding, tf.float64)  # Eigen's float64 kernels: no oneDNN
    assert np.abs(dw64).max() > 1
    np.testing.assert_allclose(dw, dw64, rtol=1e-5, atol=1e-5 * np.abs(dw64).max())
    np.testing.assert_allclose(dx, dx64, rtol=1e-5, atol=1e-5 * np.abs(dx64).max())


# The keras-io example's shape, small (32×32 images; filters 8, 16, 32), with the probe at batch-of-one
# gradients and probe_batch_size=1. TensorFlow's own gradient killed this script in every run here
# (SIGSEGV, SIGABRT "corrupted double-linked list"); with the replacement, 12 of 12 runs were clean.
IMAGE_CLASSIFIER = textwrap.dedent(
    """
    import sys
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(2)  # the fault's batch sizes depend on the thread count
    from training_response import ResponseProbe
    import keras, numpy as np
    from keras import layers

    keras.utils.set_random_seed(0)
    inputs = keras.Input((32, 32, 3))
    x = layers.Rescaling(1.0 / 255)(inputs)
    x = layers.Conv2D(8, 3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    previous = x
    for size in (16, 32):
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.Activation("relu")(x)
        x = layers.SeparableConv2D(size, 3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
        x = layers.add([x, layers.Conv2D(size, 1, strides=2, padding="same")(previous)])
        previous = x
    x = layers.SeparableConv2D(32, 3, padding="same")(x)
    x = layers.BatchNormalization()(x)
    x = layers.Activation("relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.25)(x)
    model = keras.Model(inputs, layers.Dense(1)(x))
    model.compile(keras.optimizers.Adam(1e-3), keras.losses.BinaryCrossentropy(from_logits=True))
    rng = np.random.default_rng(int(sys.argv[1]))
    for _ in range(3):
        images = rng.uniform(0, 255, (6, 32, 32, 3)).astype("float32")
        probe = ResponseProbe(images[0], 1.0, images[2:], kinds=("step", "optimizer_step", "ntk"), probe_batch_size=1)
        # Batches of 2: the user's own training steps stay clear of the fault with two threads.
        model.fit(images[:2], np.array([[1.0], [0.0]]), batch_size=2, epochs=2, verbose=0, callbacks=[probe])
        assert all(np.all(np.isfinite(probe.history[k])) for k in ("step", "optimizer_step", "ntk"))
    print("clean")
    """
)


@pytest.mark.parametrize("seed", [0, 1])
def test_the_probe_runs_clean_on_the_image_classification_example(seed):
    result = subprocess.run([sys.executable, "-c", IMAGE_CLASSIFIER, str(seed)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and result.stdout.split() == ["clean"], (result.returncode, result.stderr[-2000:])
