"""Resume and skip: a figure is rerun exactly when something its results depend on changed (its config,
size, seed, engine, or the results of a figure it compares against), and a failed write leaves the
previous results as they were."""

import dataclasses
import os
import zipfile

import numpy as np
import pytest

from training_response.replication import figures, runner
from training_response.replication.__main__ import main
from training_response.replication.results_io import output_paths, write_figure
from training_response.replication.run import Run

SIZE = {"replicas": 2, "epochs": 5}


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """2024-fig1 and 2024-fig4 (whose claims compare against fig1) run once at a tiny size."""
    out = str(tmp_path_factory.mktemp("results"))
    for fig_id in ("2024-fig1", "2024-fig4"):
        runner.run_figure(Run(figures.get(fig_id), **SIZE, seed=1, out=out))
    return out


def _run(fig, out, replicas=2, epochs=5, seed=1, engine="ensemble"):
    return Run(fig, replicas, epochs, seed, engine, out=out)


def _hash(fig, out, **changes):
    return _run(fig, out, **changes).config_hash()


def test_a_finished_figure_is_up_to_date_for_its_own_settings_only(finished):
    fig = figures.get("2024-fig1")
    assert _run(fig, finished).is_up_to_date()
    changed = [
        _run(fig, finished, seed=2),
        _run(fig, finished, replicas=3),
        _run(fig, finished, epochs=6),
        _run(fig, finished, engine="fit"),
        _run(dataclasses.replace(fig, training={**fig.training, "learning_rate": 0.05}), finished),
    ]
    assert len({run.config_hash() for run in changed} | {_hash(fig, finished)}) == len(changed) + 1
    assert not any(run.is_up_to_date() for run in changed)


@pytest.mark.parametrize("damage", ["missing png", "missing shells", "corrupt json"])
def test_incomplete_or_unreadable_results_are_not_up_to_date(finished, tmp_path, damage):
    fig = figures.get("2024-fig1")
    paths = output_paths(fig, str(tmp_path))
    os.makedirs(os.path.dirname(paths["npz"]))
    for ext, path in output_paths(fig, finished).items():
        with open(path, "rb") as src, open(paths[ext], "wb") as dst:
            dst.write(src.read())
    run = _run(fig, str(tmp_path))
    assert run.is_up_to_date()
    if damage == "corrupt json":
        with open(paths["json"], "w") as fh:
            fh.write('{"config_hash": ')
    else:
        os.remove(paths[damage.split()[1]])
    assert not run.is_up_to_date()


def test_results_without_their_raw_arrays_are_up_to_date_as_a_clone_has_them(finished, tmp_path):
    # The npz is kept out of git; json, png and the shells that other figures compare against are kept.
    fig = figures.get("2024-fig1")
    paths = output_paths(fig, str(tmp_path))
    os.makedirs(os.path.dirname(paths["npz"]))
    for ext, path in output_paths(fig, finished).items():
        if ext != "npz":
            with open(path, "rb") as src, open(paths[ext], "wb") as dst:
                dst.write(src.read())
    assert _run(fig, str(tmp_path)).is_up_to_date()


def test_a_figure_is_stale_once_a_figure_it_compares_against_is_rerun(finished, tmp_path):
    fig1, fig4 = figures.get("2024-fig1"), figures.get("2024-fig4")
    out = str(tmp_path)
    for fig in (fig1, fig4):
        for ext, path in output_paths(fig, finished).items():
            os.makedirs(os.path.dirname(output_paths(fig, out)[ext]), exist_ok=True)
            with open(path, "rb") as src, open(output_paths(fig, out)[ext], "wb") as dst:
                dst.write(src.read())
    before = _hash(fig4, out)
    assert _run(fig4, out).is_up_to_date()
    runner.run_figure(Run(fig1, **SIZE, seed=7, out=out))
    assert _hash(fig4, out) != before and not _run(fig4, out).is_up_to_date()


def test_the_command_skips_what_is_up_to_date_and_force_reruns_it(tmp_path, monkeypatch, capsys):
    ran = []
    run_figure = runner.run_figure
    monkeypatch.setattr(runner, "run_figure", lambda run, *args: ran.append(run.figure.id) or run_figure(run, *args))
    command = ["run", "2024-fig1", "2024-fig4", "--replicas", "2", "--epochs", "4", "--out", str(tmp_path)]
    assert main(command) == 0 and ran == ["2024-fig1", "2024-fig4"]
    assert main(command) == 0 and ran == ["2024-fig1", "2024-fig4"]
    assert "2024-fig1: up to date, skipped (--force reruns it)" in capsys.readouterr().out
    # fig1 alone with another seed, then both with that seed: only fig4 still needs the run.
    assert main(["run", "2024-fig1", "--seed", "3", *command[3:]]) == 0 and ran[-1] == "2024-fig1"
    assert main(["run", "2024-fig1", "2024-fig4", "--seed", "3", *command[3:]]) == 0
    assert ran[3:] == ["2024-fig4"]
    assert main([*command, "--seed", "3", "--force"]) == 0 and ran[4:] == ["2024-fig1", "2024-fig4"]


def test_a_failed_write_leaves_the_previous_results_untouched(finished, tmp_path):
    fig = figures.get("2024-fig1")
    out = str(tmp_path)
    before = {}
    for ext, path in output_paths(fig, finished).items():
        os.makedirs(os.path.dirname(output_paths(fig, out)[ext]), exist_ok=True)
        before[ext] = open(path, "rb").read()
        open(output_paths(fig, out)[ext], "wb").write(before[ext])

    def broken_plot(file):
        raise RuntimeError("the plot cannot be drawn")

    shells = {"epoch": [0]}  # 2024-fig1 is compared against: it writes its shells too
    with pytest.raises(RuntimeError):
        write_figure(fig, out, {"epoch": [0]}, {"figure": fig.id}, broken_plot, shells)
    with pytest.raises(TypeError):  # a record that is not json: found before any file is touched
        write_figure(fig, out, {"epoch": [0]}, {"value": {1, 2}}, lambda file: file.write(b"png"), shells)
    for ext, path in output_paths(fig, out).items():
        assert open(path, "rb").read() == before[ext]
    assert sorted(os.listdir(os.path.dirname(output_paths(fig, out)["npz"]))) == ["fig1.json", "fig1.npz", "fig1.png", "fig1.shells.npz"]



def test_the_same_results_written_twice_are_the_same_bytes(tmp_path):
    # Unchanged results add nothing to git: no file carries the time it was written.
    fig = figures.get("2024-fig1")
    arrays = {"epoch": np.arange(3), "step": np.linspace(0, 1, 6, dtype=np.float32).reshape(2, 3)}
    written = []
    for out in (tmp_path / "a", tmp_path / "b"):
        paths = write_figure(fig, str(out), arrays, {"figure": fig.id}, lambda file: file.write(b"png"), arrays)
        written.append({kind: open(path, "rb").read() for kind, path in paths.items()})
    assert written[0] == written[1]
    # Two writes within one zip time step (2 s) would match anyway: no member holds the time of writing
    # (numpy's npz writer dates every member 1980-01-01).
    for kind in ("npz", "shells"):
        with zipfile.ZipFile(output_paths(fig, str(tmp_path / "a"))[kind]) as archive:
            assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    with np.load(output_paths(fig, str(tmp_path / "a"))["shells"], allow_pickle=False) as z:
        np.testing.assert_array_equal(z["step"], arrays["step"])
