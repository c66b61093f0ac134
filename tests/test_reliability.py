"""Reliability: divergence, interrupted runs, corrupt files and random bad input."""

import dataclasses
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys

import numpy as np
import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from training_response import ResponseProbe
from training_response.replication import figures, runner
from training_response.replication.run import Run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _cli(*args):
    env = {**os.environ, "PYTHONPATH": ROOT}
    return [sys.executable, "-m", "replication", *args], env


def _arrays(path):
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


# Divergence ----------------------------------------------------------------------------------------


def test_a_huge_learning_rate_diverges_every_replica_and_stops_cleanly(tmp_path):
    base = figures.get("2024-fig1")
    fig = dataclasses.replace(base, training={**base.training, "learning_rate": 1e39})  # inf in float32
    with pytest.raises(ValueError, match=r"every replica diverged \(non-finite weights by epoch 1\); lower the learning rate"):
        runner.run_figure(Run(fig, replicas=2, epochs=5, out=str(tmp_path)))
    assert not glob.glob(str(tmp_path / "*" / "*"))


def test_a_diverged_replica_is_flagged_and_left_out_of_averages(tmp_path, monkeypatch):
    run_ensemble = runner.run_ensemble

    def one_replica_blows_up(*args, **kwargs):
        data = run_ensemble(*args, **kwargs)
        for key in ("f_o", "step", "ntk"):
            data[key][1, 4:] = np.nan  # as non-finite weights make them
        return data

    monkeypatch.setattr(runner, "run_ensemble", one_replica_blows_up)
    fig = figures.get("2024-fig1")
    with pytest.warns(UserWarning, match="replica 1 diverged at epoch"):
        paths = runner.run_figure(Run(fig, replicas=3, epochs=20, out=str(tmp_path)))
    record = json.load(open(paths["json"]))
    arrays = _arrays(paths["npz"])
    assert record["diverged"] == [{"replica": 1, "epoch": int(arrays["epoch"][4])}]
    assert list(arrays["diverged"]) == [False, True, False] and arrays["step"].shape[0] == 3
    finite = arrays["step"][[0, 2]][:, :, arrays["distance"] == 0].mean(axis=2)
    np.testing.assert_allclose(arrays["aging_mean"], finite.mean(axis=0), rtol=1e-6)
    assert all(c["replicas"] == 2 for c in record["claims"])


# Interruptions -------------------------------------------------------------------------------------


def _check_consistent(out):
    """Every figure is complete (npz, png and json, all readable) or has no json; no visible partial file."""
    for stem in {p.rsplit(".", 1)[0] for p in glob.glob(str(out / "*" / "*.*"))}:
        if os.path.exists(f"{stem}.json"):
            record = json.load(open(f"{stem}.json"))
            assert os.path.exists(f"{stem}.png") and os.path.exists(f"{stem}.npz")
            assert _arrays(f"{stem}.npz")["step"].shape[0] == record["replicas"]
    assert not [p for p in glob.glob(str(out / "*" / "*")) if p.endswith((".partial", ".tmp"))]


def _read_until(stream, text):
    """Reads the child's output (progress bars rewrite one line, so not line by line) until `text` shows."""
    seen = b""
    while text.encode() not in seen:
        chunk = os.read(stream.fileno(), 4096)
        assert chunk, f"the run ended before printing {text!r}"
        seen = seen[-len(text) :] + chunk


@pytest.fixture(scope="module")
def previous_results(tmp_path_factory):
    """A finished small run of 2024-fig1 and 2024-fig2, made once per test process and copied by each test."""
    out = tmp_path_factory.mktemp("previous")
    args, env = _cli("run", "2024-fig1", "2024-fig2", "--replicas", "2", "--epochs", "30", "--out", str(out))
    assert subprocess.run(args, env=env, cwd=ROOT, capture_output=True, timeout=600).returncode == 0
    return out


@pytest.mark.parametrize("stop, workers", [(signal.SIGKILL, "1"), (signal.SIGINT, "1"), (signal.SIGKILL, "2"), (signal.SIGINT, "2")])
def test_an_interrupted_run_leaves_the_previous_files_or_none(tmp_path, previous_results, stop, workers):
    shutil.copytree(previous_results, tmp_path, dirs_exist_ok=True)
    before = {p: open(p, "rb").read() for p in glob.glob(str(tmp_path / "*" / "*.json"))}
    assert len(before) == 2
    # Stopped once the progress bar shows (the figures train, far from written), and once the first figure
    # is written (the second trains, or with two workers may be written too). Both wait for the program's output.
    # Each way of stopping worker processes is checked once: killed, they end with their parent whatever they
    # were doing; interrupted once the first figure is written, the other still trains in its worker.
    rounds = {"1": ("/6000000", "2024-fig1: wrote"), "2": ("/6000000",) if stop == signal.SIGKILL else ("2024-fig1: wrote",)}
    for wait_for in rounds[workers]:
        args, env = _cli("run", "2024-fig1", "2024-fig2", "--replicas", "3", "--epochs", "1000000", "--out", str(tmp_path), "--force", "--workers", workers)
        process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _read_until(process.stdout, wait_for)
        children = psutil.Process(process.pid).children(recursive=True)
        process.send_signal(stop)
        _, err = process.communicate(timeout=120)
        err = err.decode()
        assert process.returncode == (130 if stop == signal.SIGINT else -signal.SIGKILL)
        # Worker processes end with the command, however it ends (they are waited for, not timed).
        _, alive = psutil.wait_procs(children, timeout=120)
        assert not alive
        finished = None  # what the command says it finished (a killed one cannot say)
        if stop == signal.SIGINT:
            line = re.search(r"interrupted: finished (.*); not finished (.*)", err)
            assert line and "Traceback" not in err
            finished = set(line[1].split(", ")) - {"nothing"}
            assert ("2024-fig1" in finished) == wait_for.endswith("wrote")  # with two workers Fig. 2 may be in it too
        _check_consistent(tmp_path)
        for path, content in before.items():  # each figure: the old record or the new one, as the command said
            new = json.load(open(path))["replicas"] == 3
            assert new or open(path, "rb").read() == content
            assert finished is None or new == (f"2024-{os.path.basename(path)[:-5]}" in finished)
        if wait_for.endswith("wrote"):  # the first figure was written whole; in one process the second kept its old files
            assert json.load(open(tmp_path / "nakazato2024" / "fig1.json"))["replicas"] == 3
            if workers == "1":
                assert open(tmp_path / "nakazato2024" / "fig2.json", "rb").read() == before[str(tmp_path / "nakazato2024" / "fig2.json")]


# Corrupt and foreign files -------------------------------------------------------------------------


def test_probe_load_refuses_corrupt_foreign_and_pickled_files(tmp_path):
    (tmp_path / "garbage.npz").write_bytes(b"PK\x03\x04 truncated")
    np.savez(tmp_path / "foreign.npz", weights=np.ones(3))
    np.save(tmp_path / "pickled.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    for name, message in (("garbage.npz", "cannot read"), ("foreign.npz", "not a ResponseProbe history"), ("pickled.npy", "cannot read"), ("missing.npz", "cannot read")):
        with pytest.raises(ValueError, match=message) as error:
            ResponseProbe.load(tmp_path / name)
        assert name in str(error.value)


# Random bad input ----------------------------------------------------------------------------------

_BAD_NUMBER = st.one_of(
    st.integers(max_value=0).map(str),
    st.sampled_from(["nan", "inf", "-inf", "1e3", "2.5", "", "ten", "0x10", "1_0e"]),
    st.text(alphabet="abc-_.!%", min_size=1, max_size=5),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    option=st.sampled_from(["--replicas", "--epochs", "--seed"]),
    value=_BAD_NUMBER,
    figure=st.sampled_from(["2024-fig1", "2022-fig9", "all"]),
)
def test_random_bad_numbers_exit_2_with_one_line(tmp_path_factory, capsys, option, value, figure):
    from training_response.replication.__main__ import main

    if option == "--seed" and value.lstrip("-").isdigit() and int(value) == 0:
        value = "-1"  # 0 is a valid seed
    out = tmp_path_factory.mktemp("out")
    with pytest.raises(SystemExit) as exit_:
        main(["run", figure, option, value, "--out", str(out)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and option in err
    assert not os.listdir(out)


# capsys is read (and so emptied) after every example.
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(word=st.text(alphabet="abcdefgijklmnoprstuvwxyz0123456789-", min_size=1, max_size=12).filter(lambda w: not w.startswith("-")))
def test_random_unknown_figure_ids_and_commands_exit_2_naming_the_valid_ones(capsys, word):
    from training_response.replication.__main__ import main

    if word in figures.FIGURES or word == "all":
        return
    assert main(["run", word, "--out", "/nonexistent-never-written"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "valid ids: 2024-fig1" in err
    if word not in ("list", "run", "bench", "report"):
        with pytest.raises(SystemExit) as exit_:
            main([word])
        assert exit_.value.code == 2 and "invalid choice" in capsys.readouterr().err


_BAD_PROBE = st.one_of(
    st.fixed_dictionaries({"y_o": st.sampled_from([float("nan"), float("inf"), [1.0, float("nan")], [], "one"])}),
    st.fixed_dictionaries({"kinds": st.one_of(st.just(()), st.lists(st.text(max_size=6), min_size=1, max_size=3).filter(lambda k: not set(k) <= {"step", "optimizer_step", "ntk", "output", "features"}))}),
    st.fixed_dictionaries({"epochs": st.one_of(st.just([]), st.lists(st.integers(max_value=0), min_size=1, max_size=3), st.just([1.5]), st.text(min_size=1, max_size=4).filter(lambda t: t != "log"))}),
    st.fixed_dictionaries({"learning_rate": st.one_of(st.floats(max_value=0.0), st.just(float("nan")), st.just(float("inf")))}),
    st.fixed_dictionaries({"probe_x": st.integers(min_value=1, max_value=4).map(lambda n: np.ones((n, 5), np.float32))}),
    st.fixed_dictionaries({"probe_x": st.just(np.ones((2, 8), np.float32)), "shells": st.just(True)}),
    st.fixed_dictionaries({"shells": st.just(True), "x_o": st.just(np.linspace(0, 1, 8).astype(np.float32))}),
)


@settings(max_examples=80, deadline=None)
@given(bad=_BAD_PROBE)
def test_random_bad_probe_arguments_raise_value_errors(bad):
    bad = dict(bad)
    x_o = bad.pop("x_o", np.ones(8, np.float32))
    kwargs = {"shells": True, **bad} if "probe_x" not in bad else bad
    with pytest.raises(ValueError):
        ResponseProbe(x_o, bad.pop("y_o", 1.0), **{k: v for k, v in kwargs.items() if k != "y_o"})
