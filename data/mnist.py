"""MNIST images for the 2022 paper's Figs. 8-9: tensorflow-datasets by default, or a local .npz.

The source is chosen once: an explicit path, else the path in $REPLICATION_MNIST, else tfds's
"mnist" train split (60,000 images, downloaded and cached on first use). A failure raises
MnistUnavailable, a ValueError whose one-line message names both ways to provide the images; there is
never a substitute dataset. Offline, tfds retries its download for minutes before giving up, so when
MNIST is not in its cache one connection to the download host (or the HTTPS proxy) decides first.
"""

import os
import socket
import typing
import urllib.parse
import urllib.request

import numpy as np

ENV = "REPLICATION_MNIST"
HOW = (
    f"pass --mnist FILE.npz (arrays x, y or x_train, y_train: uint8 N×28×28) or set ${ENV}=FILE.npz, "
    "or let tensorflow-datasets download MNIST (needs the internet once)"
)
# Where tensorflow-datasets downloads MNIST from (_MNIST_URL in tensorflow_datasets/image_classification/
# mnist.py); a test checks that the installed version still does.
DOWNLOAD_HOST = "storage.googleapis.com"


class MnistUnavailable(ValueError):
    """No MNIST source could be read."""


class Mnist(typing.NamedTuple):
    """What load() returns: images float32 (N, 28, 28) in [0, 1], labels int64 (N,), and a description of
    the source they came from."""

    images: np.ndarray
    labels: np.ndarray
    source: str


# The `path` that asks for tensorflow-datasets' 60,000 images whatever $REPLICATION_MNIST says.
TFDS = "tensorflow-datasets"


def load(path=None):
    """The MNIST training images (see Mnist) from the source chosen as the module says; path=TFDS asks
    for tensorflow-datasets whatever $REPLICATION_MNIST says."""
    path = path or os.environ.get(ENV) or None
    x, y, source = _from_npz(path) if path and path != TFDS else _from_tfds()
    return Mnist(x.astype(np.float32) / 255.0, y.astype(np.int64), source)


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

        if not _prepared(tfds.builder("mnist")):
            _check_reachable()
        x, y = tfds.as_numpy(tfds.load("mnist", split="train", batch_size=-1, as_supervised=True))
    except MnistUnavailable:
        raise
    except Exception as error:  # offline, blocked, or a broken cache: all mean "no MNIST from tfds"
        raise MnistUnavailable(f"tensorflow-datasets could not provide MNIST ({type(error).__name__}); {HOW}") from None
    return x[..., 0], y, f"tensorflow-datasets mnist, train split ({len(x)} images)"


def tfds_unavailable():
    """Why tensorflow-datasets cannot provide MNIST here without waiting minutes (not installed, or not in
    its cache and the download host unreachable), or None when it can. Nothing is downloaded."""
    try:
        import tensorflow_datasets as tfds

        if not _prepared(tfds.builder("mnist")):
            _check_reachable()
    except MnistUnavailable as error:
        return str(error).split(";")[0]
    except Exception as error:  # not installed, or a broken cache
        return f"tensorflow-datasets cannot provide MNIST ({type(error).__name__})"
    return None


def _prepared(builder):
    """Whether tfds has MNIST on disk, so that loading it needs no network."""
    # Checking the folder first spares the warning is_prepared logs when it does not exist at all.
    return builder.data_path.exists() and builder.is_prepared()


def _check_reachable():
    """Raise MnistUnavailable unless one connection to where the download goes opens within 5 s."""
    host, port = _download_endpoint()
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as error:
        raise MnistUnavailable(
            f"MNIST is not in tensorflow-datasets' cache and {host}:{port}, where it downloads from, "
            f"cannot be reached ({type(error).__name__}: {error}); {HOW}"
        ) from None


def _download_endpoint():
    """(host, port) of the download's first connection: the HTTPS proxy when one is configured (tfds
    downloads with requests, which uses it), else the download host."""
    proxy = urllib.request.getproxies().get("https")
    if not proxy or urllib.request.proxy_bypass(DOWNLOAD_HOST):
        return DOWNLOAD_HOST, 443
    url = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    return url.hostname, url.port or (443 if url.scheme == "https" else 80)
