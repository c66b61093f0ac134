"""Sweeps: every grid point is a figure run of its own (skipped when up to date), a failed point is
reported and the others complete, and the points' results are the same bit for bit whether they run in
this process, in local worker processes or on a Dask cluster."""

import csv
import glob
import json
import os

import numpy as np
import pytest

from training_response.replication import report
from training_response.replication.claims import VERDICTS
from training_response.replication.__main__ import main
from training_response.replication.sweep import grid_points, parse_grid

GRID = ["--grid", "model.features=8,16", "--grid", "model.activation=relu,elu"]
SIZE = ["--replicas", "2", "--epochs", "30", "--seed", "2"]


def _arrays(folder):
    out = {}
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.npz"), recursive=True)):
        with np.load(path, allow_pickle=False) as z:
            out[os.path.relpath(path, folder)] = {k: z[k] for k in z.files}
    return out


def test_a_grid_is_every_combination_in_order():
    grid = parse_grid(["model.features=8, 16", "model.activation=relu,elu"])
    assert grid == [("model.features", ["8", "16"]), ("model.activation", ["relu", "elu"])]
    assert grid_points(grid)[1] == [("model.features", "8"), ("model.activation", "elu")] and len(grid_points(grid)) == 4
    for bad, message in ((["model.features"], "is not KEY=VALUE"), (["a=1", "a=2"], "given twice"), ([], "at least one --grid")):
        with pytest.raises(ValueError, match=message):
            parse_grid(bad)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    assert main(["sweep", "2024-fig1", *GRID, *SIZE, "--out", str(out)]) == 0
    return out


def test_a_sweep_writes_one_row_per_point_in_json_csv_and_png(swept):
    folder = swept / "sweeps" / "2024-fig1" / "model.features,model.activation"
    record = json.loads((folder / "sweep.json").read_text())
    assert [row["settings"] for row in record["points"]] == [
        {"model.features": f, "model.activation": a} for f in ("8", "16") for a in ("relu", "elu")
    ]
    assert record["failed"] == [] and record["replicas"] == 2 and record["epochs"] == 30
    for row in record["points"]:
        point = json.loads((folder / os.path.relpath(row["results"], folder) / "nakazato2024" / "fig1.json").read_text())
        assert point["config"]["model"]["features"] == int(row["settings"]["model.features"])
        assert row["tau"] is not None and row["tau"] == point["claims"][0]["value"]["tau"] and row["tau_ci95"] is None  # 2 runs: no bootstrap
        assert [v["verdict"] for v in row["verdicts"]] == [c["verdict"] for c in point["claims"]]
    lines = list(csv.reader((folder / "sweep.csv").read_text().splitlines()))
    assert lines[0][:3] == ["model.features", "model.activation", "tau"] and len(lines) == 5
    assert (folder / "sweep.png").read_bytes()[:4] == b"\x89PNG"


def test_the_report_has_a_section_per_sweep(swept):
    """A sweep's section: its image, one row per point with its settings, τ and a count per verdict
    (claims.VERDICTS, undefined included)."""
    path = str(swept / "sweeps" / "2024-fig1" / "model.features,model.activation" / "sweep.json")
    record = json.loads(open(path).read())
    lines = report._sweep_section(path, record, str(swept))
    assert "## Sweep: 2024-fig1 over model.features × model.activation" in lines
    assert "![2024-fig1 sweep](sweeps/2024-fig1/model.features,model.activation/sweep.png)" in lines
    rows = [line for line in lines if line.startswith("| 8 |") or line.startswith("| 16 |")]
    assert len(rows) == 4
    assert f"| model.features | model.activation | τ [95% CI] | {' | '.join(VERDICTS)} |" in lines
    assert VERDICTS == ("reproduced", "not reproduced", "inconclusive", "undefined")
    first = record["points"][0]
    counts = [sum(v["verdict"] == w for v in first["verdicts"]) for w in VERDICTS]
    assert sum(counts) == len(first["verdicts"])
    assert rows[0] == f"| 8 | relu | {report._short(first['tau'])} | {' | '.join(map(str, counts))} |"


def test_a_rerun_skips_the_finished_points(swept):
    assert main(["sweep", "2024-fig1", *GRID, *SIZE, "--out", str(swept)]) == 0
    record = json.loads((swept / "sweeps" / "2024-fig1" / "model.features,model.activation" / "sweep.json").read_text())
    assert all(row["skipped"] for row in record["points"])


def test_a_failed_point_is_reported_and_the_others_complete(tmp_path, capsys):
    code = main(["sweep", "2024-fig1", "--grid", "model.activation=relu,nonsense", *SIZE, "--out", str(tmp_path)])
    assert code == 1
    record = json.loads((tmp_path / "sweeps" / "2024-fig1" / "model.activation" / "sweep.json").read_text())
    assert "verdicts" in record["points"][0]
    assert record["failed"] == [record["points"][1]] and "unknown activation 'nonsense'" in record["points"][1]["error"]
    assert "failed: {'model.activation': 'nonsense'}" in capsys.readouterr().err


def test_a_bad_grid_exits_2_before_any_work(tmp_path, capsys):
    assert main(["sweep", "2024-fig1", "--grid", "model.featurs=8,16", "--out", str(tmp_path)]) == 2
    assert "did you mean 'model.features'" in capsys.readouterr().err and not os.listdir(tmp_path)


@pytest.fixture(scope="module")
def cluster():
    """A local Dask cluster of two worker processes, shared by the tests that leave its workers running
    (each worker loads TensorFlow once, with its first point)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def test_worker_processes_and_a_dask_cluster_give_the_same_results_bit_for_bit(swept, cluster, tmp_path):
    expected = _arrays(swept / "sweeps")
    assert main(["sweep", "2024-fig1", *GRID, *SIZE, "--out", str(tmp_path / "workers"), "--workers", "2"]) == 0
    assert main(["sweep", "2024-fig1", *GRID, *SIZE, "--out", str(tmp_path / "dask"), "--cluster", cluster.scheduler_address]) == 0
    for way in ("workers", "dask"):
        got = _arrays(tmp_path / way / "sweeps")
        assert got.keys() == expected.keys() and len(got) == 8  # per point its npz and its shells (2024-fig1 is compared against)
        for name, arrays in expected.items():
            for key, value in arrays.items():
                np.testing.assert_array_equal(got[name][key], value, err_msg=f"{way}: {name} {key}")
    record = json.loads((tmp_path / "dask" / "sweeps" / "2024-fig1" / "model.features,model.activation" / "sweep.json").read_text())
    assert record["runner"].startswith("Dask cluster at tcp://")


def test_a_point_that_fails_on_the_cluster_is_reported_after_its_retry(cluster, tmp_path):
    grid = ["--grid", "model.activation=relu,nonsense"]
    code = main(["sweep", "2024-fig1", *grid, *SIZE, "--out", str(tmp_path), "--cluster", cluster.scheduler_address])
    assert code == 1
    record = json.loads((tmp_path / "sweeps" / "2024-fig1" / "model.activation" / "sweep.json").read_text())
    assert "verdicts" in record["points"][0]
    assert record["failed"] == [record["points"][1]] and "unknown activation 'nonsense'" in record["points"][1]["error"]


def test_a_cluster_worker_killed_mid_point_is_retried_and_the_sweep_completes(tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    import signal
    import threading
    import time

    command = ["sweep", "2024-fig1", "--grid", "model.features=8,16", "--replicas", "2", "--epochs", "2000"]
    assert main([*command, "--out", str(tmp_path / "whole")]) == 0
    # Checkpoints at every measured epoch, so that the killed points have one to resume from (a cluster of
    # its own: its workers start with this environment).
    monkeypatch.setenv("REPLICATION_CHECKPOINT_SECONDS", "0")
    out = tmp_path / "killed"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        done = []
        sweep = threading.Thread(target=lambda: done.append(main([*command, "--out", str(out), "--cluster", cluster.scheduler_address])))
        sweep.start()
        # The points' own output: a checkpoint means a worker is inside a point's training.
        while not glob.glob(str(out / "sweeps" / "**" / ".fig1.checkpoint.npz"), recursive=True):
            assert sweep.is_alive(), "the sweep ended before any point wrote a checkpoint"
            time.sleep(0.05)
        for worker in cluster.workers.values():
            os.kill(worker.process.pid, signal.SIGKILL)
        sweep.join(timeout=600)
    assert done == [0]
    record = json.loads((out / "sweeps" / "2024-fig1" / "model.features" / "sweep.json").read_text())
    assert record["failed"] == [] and len(record["points"]) == 2
    assert any("resumed_from_epoch" in json.loads(open(p).read()) for p in glob.glob(str(out / "sweeps" / "**" / "fig1.json"), recursive=True))
    expected, got = _arrays(tmp_path / "whole" / "sweeps"), _arrays(out / "sweeps")
    assert got.keys() == expected.keys()
    for name, arrays in expected.items():
        for key, value in arrays.items():
            np.testing.assert_array_equal(got[name][key], value, err_msg=f"{name} {key}")


_ORPHAN = """
import multiprocessing, os, sys, time
from training_response.replication.sweep import _pool_worker

def pool_worker(pid_file):
    _pool_worker(2)
    with open(pid_file + ".tmp", "w") as fh:
        fh.write(str(os.getpid()))
    os.replace(pid_file + ".tmp", pid_file)
    time.sleep(600)  # a point that goes on training

if __name__ == "__main__":
    pid_file = sys.argv[1]
    worker = multiprocessing.get_context("spawn").Process(target=pool_worker, args=(pid_file,))
    worker.start()
    while not os.path.exists(pid_file):
        worker.join(0.1)
    os._exit(9)  # the command's process dies without a word (as under kill -9)
"""


def test_a_pool_worker_ends_when_the_commands_process_dies(tmp_path):
    """A sweep's or robustness study's worker does not go on training after its command was killed (a rerun
    resumes from the checkpoints instead)."""
    import subprocess
    import sys
    import time

    script, pid_file = tmp_path / "orphan.py", tmp_path / "worker.pid"
    script.write_text(_ORPHAN)
    assert subprocess.run([sys.executable, str(script), str(pid_file)], timeout=300).returncode == 9
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 120  # a bound for a hung worker, never a measured time
    while True:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":  # ended, waiting to be reaped by init
                    break
        except FileNotFoundError:
            break
        assert time.monotonic() < deadline, f"worker {pid} outlived its command"
        time.sleep(0.1)
