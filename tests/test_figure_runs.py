"""Every figure runs from the command line; figures run side by side in worker processes (`run --workers N`)
give the same files as one after the other, a figure waits for the figures whose results it reads, and a
failing figure stops the run."""

import glob
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from training_response.replication import figures
from training_response.replication.figure_runs import WorkerFailed, run_in_processes
from training_response.replication.progress import Progress
from training_response.replication.run import Run

from test_reliability import ROOT, _arrays, _cli


def test_every_figure_runs_at_a_small_size_and_workers_write_what_one_process_writes(tmp_path):
    # Fig. 9 probes 1,000 images besides x_o: four copies of the fixture's digits, each copy marked in a
    # corner pixel (0 in every MNIST digit) so that no two images are equal.
    with np.load(os.path.join(ROOT, "tests", "fixtures", "mnist_300.npz")) as z:
        x = np.concatenate([z["x"]] * 4)
        y = np.concatenate([z["y"]] * 4)
    x[:, 0, 0] = np.repeat(np.arange(4), 300)
    np.savez(tmp_path / "mnist.npz", x=x, y=y)
    size = ["--replicas", "2", "--epochs", "30", "--mnist", str(tmp_path / "mnist.npz")]
    args, env = _cli("run", *figures.FIGURES, *size, "--out", str(tmp_path / "1"))
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    for fig in figures.FIGURES.values():
        stem = tmp_path / "1" / fig.paper / fig.name
        record = json.loads(open(f"{stem}.json").read())
        assert len(record["claims"]) == len(fig.claims)
        with np.load(f"{stem}.npz", allow_pickle=False) as z:
            for label, _ in fig.variant_configs():
                assert (f"{label}.epoch" if label else "epoch") in z.files
    # A second command, in worker processes, gives the same arrays bit for bit: a run is determined by its
    # settings and seed, whichever process makes it (dropout's masks in 2022-fig3 included).
    # 2024-fig4 reads 2024-fig1's results and 2022-fig3 reads 2022-fig1's: with two workers each must wait
    # for them, not start beside them. The 2022 convolutions measure replicas side by side: two at once
    # alone, one in a worker.
    ids = ["2024-fig1", "2024-fig4", "2022-fig1", "2022-fig3"]
    args, env = _cli("run", *ids, *size, "--out", str(tmp_path / "2"), "--workers", "2")
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    paths = sorted(glob.glob(str(tmp_path / "2" / "*" / "*.npz")))
    shells = [path for path in paths if path.endswith(".shells.npz")]  # of 2024-fig1 and 2022-fig1, compared against
    assert len(paths) == len(ids) + 2 and len(shells) == 2
    for path in paths:
        other = path.replace(str(tmp_path / "2"), str(tmp_path / "1"))
        one, two = _arrays(other), _arrays(path)
        assert one.keys() == two.keys()
        for key in one:
            np.testing.assert_array_equal(one[key], two[key], err_msg=f"{path} {key}")
        if path not in shells:
            records = [json.load(open(p.replace(".npz", ".json"))) for p in (other, path)]
            assert records[0]["claims"] == records[1]["claims"]
    assert json.load(open(tmp_path / "2" / "nakazato2024" / "fig4.json"))["claims"]


def test_a_figure_that_fails_in_a_worker_stops_the_run(tmp_path):
    runs = [Run(figures.get(fig_id), replicas=0, epochs=5, seed=0, out=str(tmp_path)) for fig_id in ("2024-fig1", "2024-fig2")]
    finished = []
    with pytest.raises(WorkerFailed, match=r"replicas=0 and epochs=5 must both be >= 1") as failure:
        run_in_processes(runs, Progress(1), lambda *args: finished.append(args), workers=2)
    assert failure.value.usage and not finished
    assert not glob.glob(str(tmp_path / "*" / "*"))


@pytest.mark.parametrize("environment, expected", [({}, "1 1 1"), ({"TF_NUM_INTEROP_THREADS": "3"}, "3 0 1")])
def test_a_worker_takes_its_share_of_the_cores(environment, expected):
    # In a fresh process, as one of as many workers as there are cores starts: one thread per op, and its
    # share (one) of ops at once, which is how many replicas a convolutional measurement runs side by side,
    # unless the user's variable says otherwise.
    code = (
        "import os; from training_response.replication import processes; import tensorflow as tf; processes.use_one_thread_per_op(processes=os.cpu_count()); "
        "t = tf.config.threading; print(processes.parallel_replicas(), t.get_inter_op_parallelism_threads(), t.get_intra_op_parallelism_threads())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_NUM_")} | environment
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == expected.split(), done.stderr
