"""plot_history: the picture of one run, checked through the figure's own data, not only the file."""

import os

import matplotlib.figure
import matplotlib.image
import numpy as np
import pytest

from training_response import ResponseProbe
from training_response.plot import draw_history, plot_history
from tests.conftest import point_for


def at_x_o(history, kind):
    """The contract's value at x_o: kind + "_o", or (older histories) the mean over distance-0 points."""
    if kind + "_o" in history:
        return history[kind + "_o"]
    return history[kind][:, history["distance"] == 0].mean(axis=1)


def kernel_lines(figure):
    """The kernel panel's curves, one per drawn epoch (the axhline at 0 has no epoch label)."""
    return [line for line in figure.axes[1].lines if line.get_label().startswith("epoch")]


def synthetic(outputs, seed=0):
    """A history of T=4 epochs, P=5 probe points (one at x_o) and `outputs` outputs, with "_o" keys."""
    rng = np.random.default_rng(seed)
    shape = () if outputs == 1 else (outputs,)
    history = {"epoch": np.array([0, 1, 3, 10]), "distance": np.array([0, 1, 1, 2, 3])}
    for kind, value_shape in (("step", shape), ("ntk", shape * 2)):
        history[kind] = rng.uniform(0.1, 1.0, (4, 5, *value_shape))
        history[kind + "_o"] = history[kind][:, 0].copy()
    return history


def test_plot_of_a_fit(small_dense, tmp_path):
    x_o, y_o = point_for(small_dense)
    probe = ResponseProbe(x_o, y_o, shells=True, epochs="log")
    small_dense.fit(x_o[None], np.array([[y_o]]), epochs=30, batch_size=1, verbose=0, callbacks=[probe])
    history = probe.history

    path = plot_history(history, tmp_path / "deeper" / "probe.png")
    assert path == os.fspath(tmp_path / "deeper" / "probe.png")
    image = matplotlib.image.imread(path)
    assert image.ndim == 3 and min(image.shape[:2]) > 300
    assert os.listdir(tmp_path / "deeper") == ["probe.png"]  # no temporary file left behind

    figure = draw_history(history)
    aging, kernel = figure.axes
    assert (aging.get_title(), kernel.get_title()) == ("aging", "response kernel")
    assert aging.get_xscale() == aging.get_yscale() == "log"
    later = history["epoch"] > 0
    step_line, ntk_line = aging.lines
    for line, kind in ((step_line, "step"), (ntk_line, "ntk")):
        np.testing.assert_array_equal(line.get_xdata(), history["epoch"][later])
        np.testing.assert_allclose(line.get_ydata(), at_x_o(history, kind)[later], rtol=1e-6)
    curves = kernel_lines(figure)
    assert [c.get_label() for c in (curves[0], curves[-1])] == ["epoch 0", "epoch 30"] and len(curves) == 5
    for curve in curves:
        np.testing.assert_array_equal(curve.get_xdata(), np.arange(7))
        assert curve.get_ydata()[0] == pytest.approx(1.0, rel=1e-6)
    assert kernel.get_xlabel() == "Hamming distance"


def test_multi_output_reduces_to_norm_and_trace():
    history = synthetic(outputs=3)
    history["ntk_o"][2] *= -1  # a negative trace cannot be drawn on a log axis
    figure = draw_history(history)
    step_line, ntk_line = figure.axes[0].lines
    np.testing.assert_allclose(step_line.get_ydata(), np.linalg.norm(history["step_o"][1:], axis=1))
    trace = np.trace(history["ntk_o"], axis1=1, axis2=2)
    np.testing.assert_allclose(ntk_line.get_ydata(), [trace[1], np.nan, trace[3]])
    assert figure.axes[0].get_ylabel() == "value at $x_o$ (norm of Δ over outputs, trace of Θ)"
    assert r"{\rm tr}" in figure.axes[1].get_ylabel()

    # The kernel is drawn from ntk: tr Θ(x_o, x) / tr Θ(x_o, x_o), averaged over the two points at distance 1.
    curves = kernel_lines(figure)
    assert [c.get_label() for c in curves] == ["epoch 0", "epoch 1", "epoch 3", "epoch 10"]
    shell = np.trace(history["ntk"][:, 1:3], axis1=2, axis2=3).mean(axis=1)
    for row, curve in enumerate(curves):
        np.testing.assert_array_equal(curve.get_xdata(), [0, 1, 2, 3])
        assert curve.get_ydata()[1] == pytest.approx(shell[row] / trace[row])


@pytest.mark.parametrize("mode", ["diagonal", "trace", "class"])
def test_a_part_of_theta_is_drawn_as_the_number_it_names(mode):
    """ntk_mode "diagonal" and "trace" draw tr Θ as a full block would; "class" draws Θ_cc of y_o's class."""
    full = synthetic(outputs=3)
    full.update(f_o=np.ones((4, 3)), y_o=np.array(1.0))
    part = dict(full, ntk_mode=np.array(mode))
    for key in ("ntk", "ntk_o"):
        diagonal = np.diagonal(full[key], axis1=-2, axis2=-1)
        part[key] = {"diagonal": diagonal, "trace": diagonal.sum(axis=-1), "class": full[key][..., 1, :]}[mode]
    drawn = draw_history(part)
    if mode == "class":
        at_o = full["ntk_o"][:, 1, 1]
        shell = full["ntk"][:, 1:3, 1, 1].mean(axis=1)
        assert figure_labels(drawn) == ("value at $x_o$ (norm of Δ over outputs, Θ of y_o's class)", r"\Theta_{cc}")
    else:
        reference = draw_history(full)
        for ours, theirs in zip(kernel_lines(drawn) + drawn.axes[0].lines, kernel_lines(reference) + reference.axes[0].lines):
            np.testing.assert_allclose(ours.get_ydata(), theirs.get_ydata())
        at_o = np.trace(full["ntk_o"], axis1=1, axis2=2)
        shell = np.trace(full["ntk"][:, 1:3], axis1=2, axis2=3).mean(axis=1)
        assert figure_labels(drawn) == ("value at $x_o$ (norm of Δ over outputs, trace of Θ)", r"{\rm tr}")
    np.testing.assert_allclose(drawn.axes[0].lines[1].get_ydata(), at_o[1:])
    for row, curve in enumerate(kernel_lines(drawn)):
        assert curve.get_ydata()[1] == pytest.approx(shell[row] / at_o[row])


def figure_labels(figure):
    """The aging panel's y label, and the part of the kernel panel's y label that names Θ."""
    kernel_label = figure.axes[1].get_ylabel()
    return figure.axes[0].get_ylabel(), next(name for name in (r"\Theta_{cc}", r"{\rm tr}") if name in kernel_label)


def test_multi_output_response_kernel_without_ntk():
    history = synthetic(outputs=3)
    del history["ntk"], history["ntk_o"]
    figure = draw_history(history)
    (step_line,) = figure.axes[0].lines
    for row, curve in enumerate(kernel_lines(figure)):
        step, at_o = history["step"][row], history["step_o"][row]
        assert curve.get_ydata()[0] == pytest.approx(1.0)
        assert curve.get_ydata()[3] == pytest.approx(step[4] @ at_o / (at_o @ at_o))


def test_chosen_epochs_are_the_nearest_measured():
    figure = draw_history(synthetic(outputs=1), epochs=[4, 9, 500])
    assert [c.get_label() for c in kernel_lines(figure)] == ["epoch 3", "epoch 10"]
    with pytest.raises(ValueError, match="picks no epoch"):
        draw_history(synthetic(outputs=1), epochs=[])


def test_older_history_without_values_at_x_o_falls_back_to_distance_0():
    history = synthetic(outputs=1)
    expected = history.pop("ntk_o")[1:]
    del history["step_o"]
    (_, ntk_line) = draw_history(history).axes[0].lines
    np.testing.assert_allclose(ntk_line.get_ydata(), expected)


def test_many_distances_are_binned():
    rng = np.random.default_rng(1)
    history = {"epoch": np.array([0, 5]), "distance": np.concatenate([[0.0], rng.uniform(0.1, 2.0, 59)])}
    history["ntk"] = rng.uniform(0.1, 1.0, (2, 60))
    history["ntk_o"] = history["ntk"][:, 0]
    figure = draw_history(history)
    assert all(len(c.get_xdata()) == 10 for c in kernel_lines(figure))
    assert figure.axes[1].get_xlabel() == r"mean $|x - x_o|$"


def no_epochs(history):
    history["epoch"] = np.array([], dtype=np.int64)


def only_outputs(history):
    for key in ("step", "step_o", "ntk", "ntk_o"):
        del history[key]


def nothing_at_x_o(history):
    del history["step_o"], history["ntk_o"]
    history["distance"] = history["distance"] + 1


@pytest.mark.parametrize(
    "change, message",
    [(no_epochs, "no measured epochs"), (only_outputs, "none of"), (nothing_at_x_o, "no value at x_o")],
)
def test_histories_that_cannot_be_drawn(change, message, tmp_path):
    history = synthetic(outputs=1)
    history["output"] = history["step"]
    change(history)
    with pytest.raises(ValueError, match=message):
        plot_history(history, tmp_path / "probe.png")
    assert not (tmp_path / "probe.png").exists()


def test_a_failed_write_leaves_no_file(tmp_path, monkeypatch):
    def crash(self, fh, **kwargs):
        fh.write(b"\x89PNG half")
        raise OSError("disk full")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", crash)
    with pytest.raises(OSError, match="disk full"):
        plot_history(synthetic(outputs=1), tmp_path / "probe.png")
    assert os.listdir(tmp_path) == []


def test_a_figures_title_states_the_size_that_was_run():
    from training_response.replication import figures
    from training_response.replication.plots import _size

    epoch = {"epoch": np.arange(6)}
    fig1 = figures.get("2024-fig1")
    assert _size(fig1, {"": {**epoch, "step": np.zeros((3, 6, 2))}}) == "3 runs, 5 epochs"
    simplified = figures.get("2024-fig5")  # one deterministic iteration per variant: no runs to count
    runs = {label: {**epoch, "step": np.zeros((1, 6, 1))} for label, _ in simplified.variant_configs()}
    assert _size(simplified, runs) == "5 epochs"
    with_variants = figures.get("2024-fig6")
    runs = {label: {**epoch, "step": np.zeros((4 + i % 2, 6, 2))} for i, (label, _) in enumerate(with_variants.variant_configs())}
    assert _size(with_variants, runs) == "4/5 runs, 5 epochs"
