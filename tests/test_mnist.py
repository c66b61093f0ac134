"""MNIST sources: the committed fixture of real digits, bad files, the offline failures, and the
image figures through both training paths."""

import dataclasses
import os
import socket
import urllib.parse
from unittest import mock

import numpy as np
import pytest

from training_response.data import mnist
from training_response.replication import figures
from training_response.replication.training import TRAINERS, run_ensemble

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "mnist_300.npz")


def test_the_fixture_loads_scaled_to_unit_range():
    x, y, source = mnist.load(FIXTURE)
    assert x.shape == (300, 28, 28) and x.dtype == np.float32 and y.shape == (300,)
    assert x.min() == 0.0 and x.max() == 1.0
    with np.load(FIXTURE) as z:
        np.testing.assert_array_equal(x, z["x"] / np.float32(255.0))
    assert "300 images" in source


def test_keras_layout_and_the_environment_variable(tmp_path, monkeypatch):
    with np.load(FIXTURE) as z:
        np.savez(tmp_path / "keras.npz", x_train=z["x"][:50], y_train=z["y"][:50])
    monkeypatch.setenv(mnist.ENV, str(tmp_path / "keras.npz"))
    x, y, source = mnist.load()
    assert x.shape == (50, 28, 28) and str(tmp_path) in source


@pytest.mark.parametrize(
    "arrays, message",
    [
        (None, "does not exist"),
        ({"images": np.zeros((3, 28, 28), np.uint8)}, "not x, y"),
        ({"x": np.zeros((3, 28, 28), np.float32), "y": np.zeros(3)}, "uint8"),
        ({"x": np.zeros((3, 32, 32), np.uint8), "y": np.zeros(3)}, "N×28×28"),
        ({"x": np.zeros((3, 28, 28), np.uint8), "y": np.zeros(2)}, "labels"),
        ("garbage", "cannot read"),
    ],
)
def test_bad_files_name_both_ways_to_provide_mnist(tmp_path, arrays, message):
    path = tmp_path / "bad.npz"
    if isinstance(arrays, dict):
        np.savez(path, **arrays)
    elif arrays == "garbage":
        path.write_bytes(b"not an npz at all")
    with pytest.raises(mnist.MnistUnavailable, match=message) as error:
        mnist.load(str(path))
    assert "--mnist" in str(error.value) and "tensorflow-datasets" in str(error.value) and "\n" not in str(error.value)


def test_offline_without_a_file_fails_cleanly_before_writing(tmp_path, monkeypatch, capsys):
    import tensorflow_datasets

    def offline(*args, **kwargs):
        raise ConnectionError("no route to host")

    monkeypatch.delenv(mnist.ENV, raising=False)
    # The download host answers the reachability check, and then the download itself fails.
    monkeypatch.setattr(socket, "create_connection", lambda address, timeout: mock.Mock())
    monkeypatch.setattr(tensorflow_datasets, "load", offline)
    from training_response.replication.__main__ import main

    assert main(["run", "2024-fig1", "2022-fig8", "--replicas", "2", "--epochs", "3", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--mnist" in err and "ConnectionError" in err
    assert not (tmp_path / "out").exists()  # not even the figure before it


@pytest.mark.parametrize(
    "proxy, endpoint",
    [(None, (mnist.DOWNLOAD_HOST, 443)), ("http://proxy.example:3128", ("proxy.example", 3128))],
)
def test_an_unreachable_download_fails_at_once_without_tfds_load(tmp_path, monkeypatch, proxy, endpoint):
    import tensorflow_datasets
    from tensorflow_datasets.core import constants

    attempts = []

    def unreachable(address, timeout):
        attempts.append(address)
        raise OSError("Network is unreachable")

    monkeypatch.delenv(mnist.ENV, raising=False)
    for name in ("https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    if proxy:
        monkeypatch.setenv("https_proxy", proxy)
    monkeypatch.setattr(constants, "DATA_DIR", str(tmp_path))  # an empty tfds cache
    monkeypatch.setattr(socket, "create_connection", unreachable)
    monkeypatch.setattr(tensorflow_datasets, "load", lambda *args, **kwargs: pytest.fail("tfds.load was called"))
    with pytest.raises(mnist.MnistUnavailable) as error:
        mnist.load()
    assert attempts == [endpoint]  # one attempt, never a retry loop
    message = str(error.value)
    assert f"{endpoint[0]}:{endpoint[1]}" in message and "cannot be reached" in message and "Network is unreachable" in message
    assert "--mnist FILE.npz" in message and f"${mnist.ENV}" in message and "\n" not in message


def test_the_checked_host_is_where_the_installed_tfds_downloads_mnist():
    import tensorflow_datasets

    assert urllib.parse.urlsplit(tensorflow_datasets.builder("mnist").URL).hostname == mnist.DOWNLOAD_HOST


def test_image_figures_match_the_fit_path():
    images = mnist.load(FIXTURE).images
    fig = dataclasses.replace(
        figures.get("2022-fig9"),
        model={**figures.get("2022-fig9").model, "image_shape": (28, 28), "layers": 2, "filters": 3},
        probe={**figures.get("2022-fig9").probe, "images": 12, "schedule": "log"},
    )
    fit = run_ensemble(fig, 2, 8, seed=1, trainer=TRAINERS["fit"], images=images)
    ens = run_ensemble(fig, 2, 8, seed=1, trainer=TRAINERS["ensemble"], images=images)
    assert ens["distance"].shape == (2, 13) and np.all(ens["distance"][:, 0] == 0) and np.all(ens["distance"][:, 1:] > 0)
    assert "probe_x" not in ens and ens["probe_index"].shape == (2, 12)
    np.testing.assert_allclose(ens["distance"][0, 1:], np.abs(images[ens["probe_index"][0]] - images[ens["point_index"][0]]).mean(axis=(1, 2)), rtol=1e-6)
    # Late in training f(x_o) nears y_o, and dividing by the error y_o − f(x_o) (here down to 0.013)
    # magnifies float32 rounding in the step; the step is compared as the raw change of the output.
    error = fit["y_o"][:, None, None] - fit["f_o"][:, :, None]
    for key in fit:
        scale = error if key == "step" else 1.0
        np.testing.assert_allclose(ens[key] * scale, fit[key] * scale, rtol=2e-4, atol=2e-5, err_msg=key)
