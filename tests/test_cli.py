"""The command line, end to end at a tiny size, and its handling of bad input."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from training_response.replication.__main__ import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def cli(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run([sys.executable, "-m", "replication", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


def test_list_shows_the_figures():
    result = cli("list")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("2024-fig1\t")
    assert "2024-fig2\t" in result.stdout


def test_tiny_run_writes_valid_npz_png_json(tmp_path):
    # In this process (the command's own exit and output are checked by the figure-run tests).
    assert main(["run", "2024-fig1", "--replicas", "2", "--epochs", "30", "--seed", "3", "--out", str(tmp_path)]) == 0
    stem = tmp_path / "nakazato2024" / "fig1"
    with np.load(f"{stem}.npz", allow_pickle=False) as z:
        assert z["step"].shape == z["ntk"].shape == (2, len(z["epoch"]), 256)
        assert z["epoch"][0] == 0 and z["epoch"][-1] == 30
        assert np.isfinite(z["step"]).all() and np.isfinite(z["kernel_mean"]).all()
    with open(f"{stem}.png", "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    record = json.loads(open(f"{stem}.json").read())
    assert record["figure"] == "2024-fig1"
    assert record["command"] == f"python -m replication run 2024-fig1 --replicas 2 --epochs 30 --seed 3 --out {tmp_path}"
    assert record["engine"] == "ensemble" and record["kept"].startswith("raw")
    assert record["config"]["replicas"] == 2 and record["config"]["assumptions"]
    assert record["config"]["assumptions"]["size_of_this_run"].startswith("2 replicas × 30 epochs, not the figure's 20 × 10000")
    # Rounded to 0.1 s: a tiny run on a warm compiled program can record 0.0, so only its presence and sign are checked.
    assert isinstance(record["seconds"], float) and record["seconds"] >= 0
    assert {c["verdict"] for c in record["claims"]} <= {"reproduced", "not reproduced", "inconclusive"}
    assert all({"claim", "quantity", "value", "verdict"} <= set(c) for c in record["claims"])
    assert not [p for p in os.listdir(stem.parent) if p.endswith(".partial")]

    fit = tmp_path / "fit"
    assert main(["run", "2024-fig1", "--replicas", "2", "--epochs", "30", "--seed", "3", "--out", str(fit), "--engine", "fit"]) == 0
    with np.load(f"{stem}.npz") as a, np.load(fit / "nakazato2024" / "fig1.npz") as b:
        assert set(a.files) == set(b.files)
        np.testing.assert_allclose(a["step"], b["step"], rtol=2e-4, atol=2e-5)
    assert json.loads((fit / "nakazato2024" / "fig1.json").read_text())["engine"] == "fit"

    assert main(["report", "--out", str(tmp_path)]) == 0
    assert "2024-fig1" in (tmp_path / "REPORT.md").read_text()


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "2024-fig99"], "unknown figure id"),
        (["run", "2024-fig1", "--replicas", "0"], "must be at least 1"),
        (["run", "2024-fig1", "--epochs", "ten"], "not a whole number"),
        (["run"], "required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message, tmp_path):
    result = cli(*args, "--out", str(tmp_path)) if args and args[0] == "run" and len(args) > 1 else cli(*args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not os.listdir(tmp_path)


def test_unwritable_output_exits_2_before_any_work(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = cli("run", "2024-fig1", "--replicas", "1", "--epochs", "2", "--out", str(blocker / "sub"))
    assert result.returncode == 2 and "writable" in result.stderr
