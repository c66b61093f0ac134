"""REPORT.md's tables, written from a small fake results folder in the runner's json shape (trimmed from
results/nakazato2024/fig1.json and results/nakazato2022/fig5.json, with verdicts chosen here). The
expected counts are worked out by hand from the verdicts below."""

import json

import pytest

from training_response.replication import report

R, NR, INC = "reproduced", "not reproduced", "inconclusive"

POWER_LAW_VALUE = {"window": [10.0, 10000.0], "n_points": 61, "tau": 1.0120288099127868, "prefactor": 0.6117973917083019, "r2": 0.9999265451220554}
POWER_LAW_CI = {"tau": [1.0076659366023977, 1.015942470368139], "prefactor": [0.59, 0.63], "r2": [0.9997579180692269, 0.99995782770013]}
DIAGNOSTICS = {
    "step_over_2_eta_ntk_at_x_o": {"epochs": [0, 10], "median": [0.98, 0.979], "min": [0.9251896739006042, 0.9725509285926819], "max": [1.0763870477676392, 0.9824966788291931]},
    "aging_fit_of_2_eta_ntk": {"window": [10.0, 10000.0], "n_points": 61, "tau": 1.0146308933196657, "prefactor": 0.62, "r2": 0.9999743249827412},
}


def _claim(text, verdict, value=0.5, ci95=None):
    claim = {"claim": text, "test": "t", "parameters": {}, "quantity": f"measure of {text}", "value": value, "replicas": 20,
             "criterion": f"criterion of {text}", "verdict": verdict}
    if ci95:
        claim["ci95"] = ci95
    return claim


def _figure(figure, claims, replicas, epochs, diagnostics=None):
    paper, name = figure.split("-")
    record = {
        "figure": figure, "title": f"title of {figure}", "command": "python -m replication run all", "engine": "ensemble",
        "config_hash": "0123456789abcdef", "seed": 0, "replicas": replicas, "epochs": epochs, "seconds": 3.3,
        "kept": "raw per-point histories (replica × measured epoch × probe point)", "diverged": [],
        "versions": {"tensorflow": "2.21.0", "keras": "3.15.1", "numpy": "2.4.6"},
        "config": {"id": figure, "paper": f"nakazato{paper}", "name": name, "model": {"builder": f"nakazato{paper}", "activation": "relu"},
                   "training": {"bits": "pm1"}, "assumptions": {"epoch": "one epoch is one SGD step", "ensemble": f"{replicas} replicas"}},
        "claims": claims,
    }
    if diagnostics is not None:
        record["diagnostics"] = diagnostics
    return record


# Verdicts, 2024: R, R, INC + NR, R = 3 R, 1 NR, 1 INC in 2 figures; 2022: R, INC, NR, NR = 1 R, 2 NR, 1 INC in 1.
FIGURES = {
    "nakazato2024/fig1.json": _figure("2024-fig1", [
        _claim("Δ(x_o, x_o) decays along a power law", R, POWER_LAW_VALUE, POWER_LAW_CI),
        _claim("the kernel's peak shifts", R),
        _claim("no S curves emerge with ReLU", INC),
    ], 20, 10000, DIAGNOSTICS),
    "nakazato2024/fig4.json": _figure("2024-fig4", [
        _claim("the response decays much faster", NR),
        _claim("the response converges", R),
    ], 20, 10000),
    "nakazato2022/fig5.json": _figure("2022-fig5", [
        _claim("g0 moves up (rho1to3)", R, {"move": 0.08840064257383347, "move_sem": 0.0121, "waypoint_epochs": [0, 18]}, {"move": [0.0671, 0.1111]}),
        _claim("the mean field follows (rho1to3)", INC),
        _claim("g0 moves up (rho2to3)", NR),
        _claim("the mean field follows (rho2to3)", NR),
    ], 20, 1000, {"rho1to3": DIAGNOSTICS, "rho2to3": {}}),
}
MISSING = ("2024-fig2, 2024-fig3, 2024-fig5, 2024-fig6, 2024-fig7, 2022-fig1, 2022-fig2, 2022-fig3, 2022-fig4, 2022-fig6, "
           "2022-fig7, 2022-fig8, 2022-fig9")
RUN_ALL = {"command": "python -m replication run all", "seconds": 569.2, "minutes": 9.5, "cpu": "AMD EPYC, 2 cores",
           "figures": {"2024-fig1": 3.7, "2024-fig4": "skipped", "2022-fig5": "skipped"}, "complete": True}
BENCH = {
    "command": "python -m replication bench",
    "probe": {"fit_ms_per_epoch": 0.6282, "fit_with_probe_ms_per_epoch": 0.8738, "probe_overhead": 1.391, "target": 1.5},
    "engine": {"epochs": 1000, "fit_replicas": 3, "engine_replicas": 100, "fit_ms_per_replica_epoch": 1.2573,
               "engine_ms_per_replica_epoch": 0.06683, "speedup": 18.8, "target": 300},
}


def _write(folder, files):
    for name, record in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record))


@pytest.fixture
def results(tmp_path):
    _write(tmp_path, FIGURES)
    _write(tmp_path, {"nakazato2022/notes.json": {"figure": "2022-fig5"}})  # a json without claims is no figure result
    return tmp_path


def _lines(folder):
    return (folder / "REPORT.md").read_text().split("\n")


def _table(lines, header):
    """The rows of the table under `header`, up to the blank line after it."""
    start = lines.index(header) + 2
    return lines[start:lines.index("", start)]


def test_summary_counts_per_paper_and_in_total(results):
    report.write_report(str(results))
    assert _table(_lines(results), "| paper | figures | claims | reproduced | not reproduced | inconclusive |") == [
        "| 2024 | 2 | 5 | 3 | 1 | 1 |",
        "| 2022 | 1 | 4 | 1 | 2 | 1 |",
        "| **all** | 3 | 9 | **4** | **3** | **2** |",
    ]


def test_one_row_per_claim_with_its_verdict_in_the_registry_order(results):
    report.write_report(str(results))
    assert _table(_lines(results), "| figure | runs × epochs | claim | verdict |") == [
        "| 2024-fig1 | 20 × 10000 | Δ(x_o, x_o) decays along a power law | **reproduced** |",
        "| 2024-fig1 | 20 × 10000 | the kernel's peak shifts | **reproduced** |",
        "| 2024-fig1 | 20 × 10000 | no S curves emerge with ReLU | **inconclusive** |",
        "| 2024-fig4 | 20 × 10000 | the response decays much faster | **not reproduced** |",
        "| 2024-fig4 | 20 × 10000 | the response converges | **reproduced** |",
        "| 2022-fig5 | 20 × 1000 | g0 moves up (rho1to3) | **reproduced** |",
        "| 2022-fig5 | 20 × 1000 | the mean field follows (rho1to3) | **inconclusive** |",
        "| 2022-fig5 | 20 × 1000 | g0 moves up (rho2to3) | **not reproduced** |",
        "| 2022-fig5 | 20 × 1000 | the mean field follows (rho2to3) | **not reproduced** |",
    ]


def test_figures_without_results_are_named(results):
    report.write_report(str(results))
    assert f"Figures without results here: {MISSING}." in _lines(results)


def test_figure_sections_link_their_images_and_list_their_claims(results):
    report.write_report(str(results))
    lines = _lines(results)
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == ["## 2024-fig1: title of 2024-fig1", "## 2024-fig4: title of 2024-fig4", "## 2022-fig5: title of 2022-fig5"]
    for link in ("![2024-fig1](nakazato2024/fig1.png)", "![2024-fig4](nakazato2024/fig4.png)", "![2022-fig5](nakazato2022/fig5.png)"):
        assert link in lines
    # n_points and prefactor are left out; 3 significant digits; the window as a range.
    assert ("| Δ(x_o, x_o) decays along a power law | measure of Δ(x_o, x_o) decays along a power law | fit window epochs 10–10000; "
            "tau = 1.01 [1.01, 1.02]; r2 = 1 [1, 1] | criterion of Δ(x_o, x_o) decays along a power law | **reproduced** |") in lines
    assert ("| g0 moves up (rho1to3) | measure of g0 moves up (rho1to3) | move = 0.0884 [0.0671, 0.111]; move_sem = 0.0121; "
            "waypoint_epochs = [0, 18] | criterion of g0 moves up (rho1to3) | **reproduced** |") in lines
    assert "- command: `python -m replication run all` (3.3 s, engine ensemble, tensorflow 2.21.0)" in lines
    assert '- model: {"builder": "nakazato2024", "activation": "relu"}; training: {"bits": "pm1"}' in lines
    assert lines.count("- epoch: one epoch is one SGD step") == 3


def test_diagnostics_of_a_figure_and_of_each_variant_that_has_them(results):
    report.write_report(str(results))
    diagnostics = [line for line in _lines(results) if line.startswith("Diagnostics")]
    text = ("the aging of 2ηΘ(x_o, x_o) fits τ = 1.01 (R² = 1); the exact step over 2ηΘ at x_o, at epochs [0, 10], "
            "ranges over replicas from [0.925, 0.973] to [1.08, 0.982].")
    # 2024-fig4 has none, 2022-fig5's rho2to3 an empty one.
    assert diagnostics == [f"Diagnostics: {text}", f"Diagnostics (rho1to3): {text}"]


def test_wall_time_line_from_run_all(results):
    _write(results, {"run_all.json": RUN_ALL})
    report.write_report(str(results))
    assert _lines(results)[-2:] == [
        "Total wall time of run all: 9.5 min (`python -m replication run all` on AMD EPYC, 2 cores; 2 figures were up to date and skipped)",
        "",
    ]


def test_without_run_all_or_bench_the_report_says_so_and_has_no_benchmark(results):
    report.write_report(str(results))
    lines = _lines(results)
    assert lines[-2] == "Total wall time of run all: not measured (`python -m replication run all` records it)"
    assert "## Benchmark" not in lines


def _benchmark_lines(results, bench):
    """The report's benchmark section for `bench`, from its heading to the first figure's section."""
    _write(results, {"bench.json": bench})
    report.write_report(str(results))
    lines = _lines(results)
    return lines[lines.index("## Benchmark"):lines.index("## 2024-fig1: title of 2024-fig1") - 1]


def test_benchmark_section_from_bench_json(results):
    assert _benchmark_lines(results, BENCH)[2:] == [
        "`python -m replication bench`: model.fit 0.6282 ms/epoch, with the probe over 256 points every epoch 0.8738 ms/epoch: "
        "probe overhead **1.391×** (target ≤ 1.5×).",
        "",
        "- Engine, the probe at every epoch: 100 replicas × 1000 epochs at 0.06683 ms per replica-epoch against 1.2573 ms "
        "through model.fit (3 replicas): speedup **18.8×** (target ≥ 300×).",
    ]


def test_benchmark_section_with_the_probes_epoch_end_and_a_forward_pass(results):
    probe = {**BENCH["probe"], "probe_epoch_end_ms": {"best": 0.2561, "median": 0.4012}, "forward_pass_ms": {"best": 0.1403, "median": 0.3}}
    assert _benchmark_lines(results, {**BENCH, "probe": probe})[2] == (
        "`python -m replication bench`: model.fit 0.6282 ms/epoch, with the probe over 256 points every epoch 0.8738 ms/epoch: "
        "probe overhead **1.391×** (target ≤ 1.5×). The probe's work at one epoch end, timed outside a fit: 0.2561 ms best, "
        "0.4012 ms median; one forward pass over the same points, compiled as the probe's measurement is: 0.1403 ms best, 0.3 ms "
        "median."
    )


def test_benchmark_section_with_the_forward_pass_callbacks_overhead(results):
    probe = {**BENCH["probe"], "fit_with_forward_pass_ms_per_epoch": 0.81, "forward_pass_overhead": 1.289}
    softmax = {"workload": "w", "fit_ms_per_epoch": 0.6367, "fit_with_probe_ms_per_epoch": 1.3036, "probe_overhead": 2.047, "forward_pass_overhead": 1.31}
    lines = _benchmark_lines(results, {**BENCH, "probe": probe, "probe_workloads": {"softmax_10": softmax}})
    assert lines[2].endswith(
        "probe overhead **1.391×** (target ≤ 1.5×). A callback that runs only one compiled forward pass over the same points at "
        "every epoch end, the least a measurement of them at every epoch does: 0.81 ms/epoch, **1.289×**."
    )
    assert "- Probe overhead, softmax_10 (w): 0.6367 → 1.3036 ms/epoch, 2.047× (one forward pass per epoch: 1.31×)." in lines


def test_benchmark_section_with_the_convolutional_rows_and_flop_rates(results):
    rate = {"flop_per_replica_epoch": 2432256, "gflops_effective": 36.395, "fraction_of_matmul_rate": 0.0758}
    conv2d = {"epochs": 200, "fit_replicas": 3, "engine_replicas": 50, "fit_ms_per_replica_epoch": 9.3062,
              "engine_ms_per_replica_epoch": 2.7378, "speedup": 3.4, "target": None, "flop_per_replica_epoch": 7967490,
              "gflops_effective": 2.91, "fraction_of_matmul_rate": 0.0061}
    bench = {**BENCH, "machine": {"cpus": 2, "matmul_gflops": 480.0}, "engine_conv2d": conv2d, "engine": {**BENCH["engine"], **rate}}
    assert _benchmark_lines(results, bench)[4:] == [
        "- Engine, the probe at every epoch: 100 replicas × 1000 epochs at 0.06683 ms per replica-epoch against 1.2573 ms "
        "through model.fit (3 replicas): speedup **18.8×** (target ≥ 300×). 2.43 MFLOP per replica-epoch (naive count): "
        "36.395 GFLOP/s, 7.58% of this machine's float32 matmul rate (480.0 GFLOP/s).",
        "- Engine, 2022-fig8's Conv2D network (random 28×28 images), the probe at every epoch: 50 replicas × 200 epochs at "
        "2.7378 ms per replica-epoch against 9.3062 ms through model.fit (3 replicas): speedup **3.4×**. 7.97 MFLOP per "
        "replica-epoch (naive count): 2.91 GFLOP/s, 0.61% of this machine's float32 matmul rate (480.0 GFLOP/s).",
    ]


def test_benchmark_section_with_forward_passes_and_the_jax_reference(results):
    jax = {"jax": "0.10.2", "replicas": 100, "epochs": 1000, "runs": 3, "jax_ms_per_replica_epoch": 0.079, "engine_faster_by": 1.92,
           "target": 1.6, "check": "10 replicas x 200 epochs, seed 0", "scale_relative_difference": {"f_o": 1.2e-07, "step": 4.3e-05}}
    bench = {**BENCH, "engine": {**BENCH["engine"], "engine_runs": 3, "measurement_in_forward_passes": 3.52}, "jax_reference": jax}
    assert _benchmark_lines(results, bench)[4:] == [
        "- Engine, the probe at every epoch: 100 replicas × 1000 epochs at 0.06683 ms per replica-epoch (best of 3 runs) against "
        "1.2573 ms through model.fit (3 replicas): speedup **18.8×** (target ≥ 300×). The measurement costs 3.52 forward passes "
        "over the probe points.",
        "- JAX reference (jax 0.10.2, 100 replicas × 1000 epochs, the probe at every epoch): 0.079 ms per replica-epoch (best of 3 runs); the "
        "engine is **1.92×** faster (target ≥ 1.6×). Same numbers: largest scale-relative difference from the engine (10 "
        "replicas x 200 epochs, seed 0) f_o 1.2e-07, step 4.3e-05.",
    ]
    bench["jax_reference"] = {"status": "not measured: JAX is not installed (pip install '.[jax]')"}
    assert _benchmark_lines(results, bench)[-1] == "- JAX reference: not measured: JAX is not installed (pip install '.[jax]')."


def test_no_figure_results_is_an_error(tmp_path):
    _write(tmp_path, {"nakazato2024/notes.json": {"other": 1}})
    with pytest.raises(ValueError, match="no figure results under"):
        report.write_report(str(tmp_path))
    assert not (tmp_path / "REPORT.md").exists()


@pytest.mark.parametrize("name", ["nakazato2022/fig5.json", "bench.json", "run_all.json"])
def test_a_corrupt_json_stops_the_report_and_keeps_the_last_one(results, name):
    # A ValueError naming the file, which the command line reports in one line; dropping the file
    # instead would change the counts without a word.
    report.write_report(str(results))
    before = (results / "REPORT.md").read_text()
    (results / name).write_text('{"figure": "2022-fig5", "claims": [')
    with pytest.raises(ValueError, match=f"{results / name} is not valid json"):
        report.write_report(str(results))
    assert (results / "REPORT.md").read_text() == before


def test_short_renders_values_compactly():
    assert report._short(0.123456) == "0.123"
    assert report._short([1.0, 0.5, "x"]) == "[1, 0.5, x]"
    assert report._short({"window": [10.0, 1000.0], "n_points": 5, "prefactor": 2.0, "tau": 0.5}, {"tau": [0.25, 0.75]}) == (
        "fit window epochs 10–1000; tau = 0.5 [0.25, 0.75]")
    assert report._short(None) == "None"
