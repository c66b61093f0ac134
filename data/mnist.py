"""MNIST images for the 2022 paper's Figs. 8-9: tensorflow-datasets by default, or a local .npz.

The source is chosen once: an explicit path, else the path in $REPLICATION_MNIST, else tfds's
"mnist" train split (60,000 images, downloaded and cached on first use). A failure raises
MnistUnavailable, a ValueError whose one-line message names both ways to provide the images; there is
never a substitute dataset.
"""

import os

import numpy as np

ENV = "REPLICATION_MNIST"
HOW = f"pass --mnist PATH (a .npz with x, y or x_train, y_train: uint8 N×28×28) or set ${ENV}, or let tensorflow-datasets download MNIST (needs the internet once)"


class MnistUnavailable(ValueError):
    """No MNIST source could be read."""


def load(path=None):
    """(images float32 (N, 28, 28) in [0, 1], labels int64 (N,), a description of the source)."""
    path = path or os.environ.get(ENV) or None
    x, y, source = _from_npz(path) if path else _from_tfds()
    return x.astype(np.float32) / 255.0, y.astype(np.int64), source


def _from_npz(path):
    if not os.path.isfile(path):
        raise MnistUnavailable(f"MNIST file {path!r} does not exist; {HOW}")
    try:
        with np.load(path, allow_pickle=False) as z:
            keys = ("x", "y") if {"x", "y"} <= set(z.files) else ("x_train", "y_train")
            if not set(keys) <= set(z.files):
                raise MnistUnavailable(f"{path!r} has arrays {sorted(z.files)}, not x, y or x_train, y_train; {HOW}")
            x, y = z[keys[0]], z[keys[1]]
    except MnistUnavailable:
        raise
    except Exception as error:  # a file np.load cannot read: say which, without a traceback
        raise MnistUnavailable(f"cannot read {path!r} as .npz ({type(error).__name__}); {HOW}") from None
    if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28) or len(y) != len(x) or len(x) == 0:
        raise MnistUnavailable(f"{path!r} holds {x.dtype} images of shape {x.shape} and {len(y)} labels, not uint8 N×28×28 with N labels; {HOW}")
    return x, y, f"npz file {path} ({len(x)} images)"


def _from_tfds():
    try:
        import tensorflow_datasets as tfds

        x, y = tfds.as_numpy(tfds.load("mnist", split="train", batch_size=-1, as_supervised=True))
    except Exception as error:  # offline, blocked, or a broken cache: all mean "no MNIST from tfds"
        raise MnistUnavailable(f"tensorflow-datasets could not provide MNIST ({type(error).__name__}); {HOW}") from None
    return x[..., 0], y, f"tensorflow-datasets mnist, train split ({len(x)} images)"
