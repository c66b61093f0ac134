"""Runs survive being killed: the ensemble checkpoints as it goes, and the same command run again after
the process died continues from the checkpoint, with results equal to an uninterrupted run's bit for bit."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from training_response.replication import figures, runner
from training_response.replication.checkpoint import Checkpoint
from training_response.replication.results_io import checkpoint_path, output_paths
from training_response.replication.run import Run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _arrays(path):
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _assert_same_arrays(a, b):
    assert list(a) == list(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


class _Killed(Exception):
    pass


# 2024-fig1: one point per replica; 2022-fig3: with dropout (the replicas' seed states are in the
# checkpoint); 2022-fig4: pairs of points.
@pytest.mark.parametrize("fig_id, replicas, epochs", [("2024-fig1", 2, 300), ("2022-fig3", 2, 60), ("2022-fig4", 2, 60)])
def test_a_run_stopped_after_a_checkpoint_continues_from_it_to_the_same_results(fig_id, replicas, epochs, tmp_path, monkeypatch):
    fig = figures.get(fig_id)
    whole = runner.run_figure(Run(fig, replicas=replicas, epochs=epochs, out=str(tmp_path / "whole")))
    monkeypatch.setenv("REPLICATION_CHECKPOINT_SECONDS", "0")
    save = Checkpoint.maybe_save
    saves = []

    def save_then_die_at_the_fifth(self, *args):
        save(self, *args)
        saves.append(args[0])
        if len(saves) == 5:
            raise _Killed

    out = str(tmp_path / "stopped")
    with monkeypatch.context() as patch:
        patch.setattr(Checkpoint, "maybe_save", save_then_die_at_the_fifth)
        with pytest.raises(_Killed):
            runner.run_figure(Run(fig, replicas=replicas, epochs=epochs, out=out))
    label = fig.variant_configs()[0][0]
    assert os.path.exists(checkpoint_path(fig, out, label)) and not os.path.exists(output_paths(fig, out)["json"])
    resumed = runner.run_figure(Run(fig, replicas=replicas, epochs=epochs, out=out))
    record = json.loads(open(resumed["json"]).read())
    # The fifth save had measured saves[4] epochs after epoch 0: the last of them is where it resumes.
    resumed_epoch = _arrays(whole["npz"])[f"{label}.epoch" if label else "epoch"][saves[4]]
    assert record["resumed_from_epoch"] == (int(resumed_epoch) if not label else {label: int(resumed_epoch)})
    _assert_same_arrays(_arrays(whole["npz"]), _arrays(resumed["npz"]))
    assert not [p for p in os.listdir(os.path.dirname(resumed["npz"])) if "checkpoint" in p]


def test_a_checkpoint_of_another_config_is_not_used(tmp_path):
    fig = figures.get("2024-fig1")
    path = checkpoint_path(fig, str(tmp_path), "")
    Checkpoint(path, "aaaa", seconds=0).maybe_save(3, [np.zeros(2, np.float32)], [], {"epoch": [0, 1, 2]})
    assert Checkpoint(path, "aaaa").load()[0] == 3
    assert Checkpoint(path, "bbbb").load() is None
    with open(path, "wb") as fh:
        fh.write(b"not an npz")
    assert Checkpoint(path, "aaaa").load() is None


def test_kill_9_then_the_same_command_gives_the_uninterrupted_results(tmp_path):
    def command(out):
        args = [sys.executable, "-m", "replication", "run", "2024-fig1", "--replicas", "2", "--epochs", "3000", "--out", str(out)]
        return args, {**os.environ, "PYTHONPATH": ROOT, "REPLICATION_CHECKPOINT_SECONDS": "0"}

    args, env = command(tmp_path / "whole")
    assert subprocess.run(args, env=env, cwd=ROOT, capture_output=True, timeout=600).returncode == 0
    args, env = command(tmp_path / "killed")
    checkpoint = checkpoint_path(figures.get("2024-fig1"), str(tmp_path / "killed"), "")
    process = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not os.path.exists(checkpoint):  # the run's own output: its first checkpoint
        assert process.poll() is None, "the run ended before writing a checkpoint"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert subprocess.run(args, env=env, cwd=ROOT, capture_output=True, timeout=600).returncode == 0
    stem = os.path.join("nakazato2024", "fig1")
    record = json.loads(open(tmp_path / "killed" / f"{stem}.json").read())
    assert record["resumed_from_epoch"] > 0
    _assert_same_arrays(_arrays(tmp_path / "whole" / f"{stem}.npz"), _arrays(tmp_path / "killed" / f"{stem}.npz"))
