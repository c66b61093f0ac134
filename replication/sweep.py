"""Sweeps: one figure run at every point of a grid of settings (settings.py), each point a figure run of
its own in its own folder (so a point already finished with the same config is skipped), and a table
of what held where: sweep.json, sweep.csv and sweep.png (τ against the first swept key).

Points run in this process, in a pool of local processes (`workers`), or on a Dask cluster
(`cluster`, the `[cluster]` extra): `run_point` takes a run.Run and returns plain values so that any of
them can carry it.
"""

import csv
import dataclasses
import io
import itertools
import json
import os
import time

from .files import write_json, write_text
from .settings import folder_name, parse_assignment, with_settings


def parse_grid(texts):
    """['KEY=V1,V2', ...] as [(KEY, [V1, V2]), ...]; a key given twice or without values is refused."""
    grid = []
    for text in texts:
        name, values = parse_assignment(text)
        values = [v.strip() for v in values.split(",") if v.strip()]
        if name in dict(grid):
            raise ValueError(f"--grid {name} is given twice; list all its values in one --grid {name}=V1,V2")
        if not values:
            raise ValueError(f"--grid {text!r} has no values; write e.g. --grid model.features=32,128,512")
        grid.append((name, values))
    if not grid:
        raise ValueError("a sweep needs at least one --grid KEY=V1,V2,...")
    return grid


def grid_points(grid):
    """Every point of the grid, as [(KEY, value text), ...] in the grid's order, the last key fastest."""
    names = [name for name, _ in grid]
    return [list(zip(names, values)) for values in itertools.product(*(values for _, values in grid))]


def sweep_folder(out, fig_id, grid):
    return os.path.join(out, "sweeps", fig_id, ",".join(name for name, _ in grid))


def point_out(folder, point):
    return os.path.join(folder, folder_name(dict(point)))


def check_points(fig, points):
    """The figure at every point, built before any point runs: a bad key or value stops the sweep at once."""
    return [with_settings(fig, point) for point in points]


def point_runs(run, points, folder):
    """`run` at every grid point: the point's settings applied to its figure, into the point's folder."""
    return [
        dataclasses.replace(run, figure=with_settings(run.figure, point), settings=run.settings + tuple(point), out=point_out(folder, point))
        for point in points
    ]


def run_point(run, command=None, bar=False):
    """Runs one figure run (run.Run: a sweep's point, a robustness variant), skipped when its results are
    up to date, and returns its row; `bar` shows the figure's own progress bar (for runs in this process)."""
    # Imported here: a worker process (or cluster worker) loads TensorFlow only when it runs a point.
    from .processes import prepare_process
    from .progress import NO_PROGRESS, Progress, work
    from .results_io import output_paths
    from .run import out_of_date
    from .runner import run_figure

    # In a worker process, as the command line does in its own (a no-op where TensorFlow has run ops).
    prepare_process()
    skipped = not out_of_date([run])
    if not skipped:
        run_figure(run, Progress(work(run.figure, run.replicas, run.epochs)) if bar else NO_PROGRESS, command=command)
    return point_row(run.settings, output_paths(run.figure, run.out)["json"], skipped)


def point_row(point, json_path, skipped):
    """A point's row: its settings, τ with its 95% interval (the figure's first power-law fit), every
    claim's verdict, the seconds its run took."""
    with open(json_path) as fh:
        record = json.load(fh)
    tau = next((c for c in record["claims"] if isinstance(c["value"], dict) and "tau" in c["value"]), None)
    return {
        "settings": dict(point),
        "tau": tau["value"]["tau"] if tau else None,
        "tau_ci95": (tau.get("ci95") or {}).get("tau") if tau else None,
        "verdicts": [
            {"claim": c["claim"], "variant": c["parameters"].get("variant", ""), "verdict": c["verdict"]} for c in record["claims"]
        ],
        "seconds": record["seconds"],
        "skipped": skipped,
        "results": os.path.dirname(os.path.dirname(json_path)),
    }


def run_many(runs, *, command=None, workers=1, cluster=None, report=None, seconds=None):
    """run_point for every run (any figures), here, in `workers` processes or on a Dask cluster; returns
    one row per run in the runs' order, a failed run's row holding its error. A run that compares with
    another figure run into the same folder starts once that one has ended (run.Schedule). `seconds` maps
    runs' indices to their expected seconds (the longest chains start first). `report(done, total, row,
    seconds)` is called as each run finishes."""
    rows = [None] * len(runs)
    started = time.perf_counter()

    def finished(index, row):
        rows[index] = row
        if report is not None:
            report(sum(r is not None for r in rows), len(rows), row, time.perf_counter() - started)

    from .run import Schedule

    order = Schedule(runs, seconds or {})
    if cluster:
        _on_dask(runs, command, cluster, order, finished)
    elif workers > 1:
        _in_processes(runs, command, workers, order, finished)
    else:
        for index in order.sequence():
            # Only runs in this process draw their figure's bar: in others it would garble the command's.
            finished(index, _guarded(runs[index], command, True))
    return rows


def _slots(order, slots, submit, wait_one, finished):
    """Keeps up to `slots` runs going, in order's choice: submit(index) returns a handle, wait_one(handles)
    the handle that ended and its row."""
    done, running = set(), {}
    while len(done) < len(order.runs):
        for index in order.ready(done, done | set(running.values()))[: slots - len(running)]:
            running[submit(index)] = index
        handle, row = wait_one(list(running))
        index = running.pop(handle)
        done.add(index)
        finished(index, row)


def _guarded(run, command, bar=False):
    """run_point, with a failure turned into the point's row (the other points go on)."""
    try:
        return run_point(run, command, bar)
    except Exception as error:  # a point's failure is reported in sweep.json, never raised over the rest
        return _failed(run, error)


def _failed(run, error):
    return {"settings": dict(run.settings), "error": f"{type(error).__name__}: {error}"}


def _pool_worker(workers):
    """A pool worker's start: its share of the cores, and an end of its own when the command's process dies
    (killed, not interrupted), so that no orphan goes on training; a rerun resumes from the checkpoints."""
    from .processes import end_with_parent, use_one_thread_per_op

    end_with_parent()
    use_one_thread_per_op(workers)


def _in_processes(runs, command, workers, order, finished):
    import concurrent.futures
    import multiprocessing

    def wait_one(futures):
        future = next(iter(concurrent.futures.wait(futures, return_when=concurrent.futures.FIRST_COMPLETED).done))
        return future, future.result()

    # Spawned, not forked: a forked TensorFlow runtime is not safe to use. Each takes its share of the cores.
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_pool_worker, initargs=(workers,)) as pool:
        _slots(order, workers, lambda index: pool.submit(_guarded, runs[index], command), wait_one, finished)


def _on_dask(runs, command, address, order, finished):
    try:
        from dask.distributed import Client, wait
    except ImportError:
        raise ValueError("--cluster needs Dask's distributed scheduler: pip install '.[cluster]'") from None

    with Client(address) as client:
        handles = {}

        def submit(index):
            # A worker that dies is retried once by Dask; a point that fails twice is reported in its row.
            future = client.submit(run_point, runs[index], command, retries=1, pure=False)
            handles[future.key] = index
            return future

        def wait_one(futures):
            future = next(iter(wait(futures, return_when="FIRST_COMPLETED").done))
            try:
                return future, future.result()
            except Exception as error:
                return future, _failed(runs[handles[future.key]], error)

        _slots(order, max(1, sum(client.nthreads().values())), submit, wait_one, finished)


def write_sweep(folder, record):
    """sweep.json (the whole record), sweep.csv (one row per point) and sweep.png; returns their paths."""
    paths = {ext: os.path.join(folder, f"sweep.{ext}") for ext in ("json", "csv", "png")}
    write_text(paths["csv"], sweep_csv(record))
    write_png(paths["png"], record)
    write_json(paths["json"], record)
    return paths


def sweep_csv(record):
    """One line per point: the swept settings, τ and its interval, each claim's verdict, seconds, error."""
    names = [name for name, _ in record["grid"]]
    first = next((r["verdicts"] for r in record["points"] if "verdicts" in r), [])
    claims = [v["claim"] + (f" [{v['variant']}]" if v["variant"] else "") for v in first]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*names, "tau", "tau_ci95_low", "tau_ci95_high", *claims, "seconds", "error"])
    for row in record["points"]:
        ci = row.get("tau_ci95") or [None, None]
        verdicts = [v["verdict"] for v in row.get("verdicts", [])] or [""] * len(claims)
        writer.writerow([*(row["settings"][n] for n in names), row.get("tau"), *ci, *verdicts, row.get("seconds"), row.get("error", "")])
    return buffer.getvalue()


def write_png(path, record):
    """τ against the first swept key, one line per value of the second, error bars its 95% intervals."""
    from training_response.writing import write_atomically
    from .plots import draw_sweep

    write_atomically(path, lambda fh: draw_sweep(record, fh))
