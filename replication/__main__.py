"""Command line: `python -m replication [--verbose] list | run ID... | sweep ID --grid ... | robustness [ID...] | bench | report`."""

import argparse
import difflib
import os
import platform
import re
import shlex
import sys

from .interrupts import interrupts_outside_tensorflow

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class _Parser(argparse.ArgumentParser):
    """Bad input ends in one line on stderr and exit code 2, never a usage dump or a traceback."""

    def error(self, message):
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:
            options = re.findall(r"[\w-]+", choice.group(2))
            close = difflib.get_close_matches(choice.group(1), options, n=1)
            message += f"; did you mean {close[0]!r}?" if close else ""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _whole_number(minimum, below):
    """An argparse type: a whole number >= minimum; `below` says why a smaller one is refused."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value} {below}")
        return value

    return parse


_positive = _whole_number(1, "must be at least 1")
_seed = _whole_number(0, "is negative; seeds are whole numbers >= 0")


def _parser():
    parser = _Parser(prog="python -m replication", description=__doc__)
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's start-up messages on stderr (hidden by default)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("list", help="print every figure id with its title")
    run = sub.add_parser("run", help="run figures and write DIR/<paper>/<fig>.npz, .json, .png")
    run.add_argument("ids", nargs="+", metavar="ID", help="figure ids, e.g. 2024-fig1 (see `list`), or all")
    run.add_argument("--replicas", type=_positive, help="ensemble size (default: the figure's)")
    run.add_argument("--epochs", type=_positive, help="epochs per run (default: the figure's)")
    run.add_argument("--seed", type=_seed, default=0, help="seed of everything random (default 0)")
    run.add_argument(
        "--out", help="output folder (default results/; with --set, results/settings/<the settings>/, never the paper's files)"
    )
    run.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change one setting of the figures from the paper's, e.g. model.features=512 or training.encoding_params.p=0.2 "
        "(repeatable; a wrong key lists the valid ones)",
    )
    run.add_argument("--force", action="store_true", help="rerun figures whose results are already up to date")
    run.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="figures run at once in processes of this machine (default 1; a figure that reads another's results waits for them)",
    )
    run.add_argument(
        "--mnist",
        metavar="FILE.npz",
        help="MNIST .npz (x, y or x_train, y_train) for the figures that train on images (default: $REPLICATION_MNIST, "
        "else tensorflow-datasets)",
    )
    run.add_argument(
        "--engine",
        choices=("ensemble", "fit"),
        default="ensemble",
        help="ensemble: all replicas in one compiled engine (default); fit: one model.fit with a ResponseProbe per replica",
    )
    sweep = sub.add_parser("sweep", help="run one figure at every point of a grid of settings; writes sweep.json, .csv and .png")
    sweep.add_argument("id", metavar="ID", help="a figure id, e.g. 2024-fig1")
    sweep.add_argument(
        "--grid", action="append", default=[], metavar="KEY=V1,V2,...", help="a setting and its values (repeatable), e.g. model.features=32,128,512"
    )
    sweep.add_argument("--replicas", type=_positive, help="ensemble size of every point (default: the figure's)")
    sweep.add_argument("--epochs", type=_positive, help="epochs of every point (default: the figure's)")
    sweep.add_argument("--seed", type=_seed, default=0, help="seed of every point (default 0)")
    sweep.add_argument("--out", default="results", help="results folder; the sweep goes to OUT/sweeps/<ID>/<keys>/ (default results/)")
    sweep.add_argument("--engine", choices=("ensemble", "fit"), default="ensemble", help="as for run")
    sweep.add_argument("--mnist", metavar="FILE.npz", help="as for run")
    sweep.add_argument("--workers", type=_positive, default=1, help="points run at once in processes of this machine (default 1)")
    sweep.add_argument("--cluster", metavar="ADDRESS", help="run the points on the Dask cluster at ADDRESS (pip install '.[cluster]')")
    bench = sub.add_parser("bench", help="time the ResponseProbe's overhead and the engine's speedup over model.fit")
    bench.add_argument("--epochs", type=_positive, default=2000, help="epochs per timed fit of the probe overhead (default 2000)")
    bench.add_argument("--replicas", type=_positive, default=100, help="engine replicas of the 2024-fig1 rows (default 100; the conv rows have fixed sizes)")
    bench.add_argument("--engine-epochs", type=_positive, default=1000, help="epochs of the 2024-fig1 engine rows (default 1000)")
    bench.add_argument("--fit-replicas", type=_positive, default=3, help="replicas of the 2024-fig1 rows timed through model.fit (default 3)")
    bench.add_argument("--repeats", type=_positive, default=5, help="timed fits per variant (default 5)")
    bench.add_argument("--out", default="results", help="folder of bench.json (default results/)")
    robust = sub.add_parser(
        "robustness", help="run every figure's variants of the unstated choices (robustness.py's plan); writes DIR/robustness.json"
    )
    robust.add_argument("ids", nargs="*", metavar="ID", help="figure ids (default: every planned figure)")
    robust.add_argument("--out", default="results", help="results folder holding the committed runs (default results/)")
    robust.add_argument("--workers", type=_positive, default=1, help="variant runs at once in processes of this machine (default 1)")
    robust.add_argument("--mnist", metavar="FILE.npz", help="as for run")
    report = sub.add_parser("report", help="write DIR/REPORT.md from the figures' json files")
    report.add_argument("--out", default="results", help="results folder (default results/)")
    report.add_argument(
        "--before", metavar="DIR", help="another results folder (e.g. an older commit's): record which verdicts moved since, and why"
    )
    return parser


def _cpu():
    """The CPU model and core count, for the wall-time record."""
    try:
        with open("/proc/cpuinfo") as fh:
            model = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), None)
    except OSError:
        model = None
    return f"{model or platform.processor() or platform.machine()}, {os.cpu_count()} cores"


def _chosen_figures(args):
    """The figures `run` was asked for, with the --set settings applied, and those settings as
    [(KEY, text)]; and the output folder: checked before TensorFlow loads, so a bad id or setting costs
    one line and no wait."""
    from . import figures
    from .files import check_writable
    from .settings import folder_name, parse_assignment, with_settings

    if "all" in args.ids and args.ids != ["all"]:
        raise ValueError("`all` runs every figure; give it alone or list figure ids")
    chosen = list(figures.FIGURES.values()) if args.ids == ["all"] else [figures.get(i) for i in args.ids]
    assignments = [parse_assignment(text) for text in args.set]
    if assignments:
        chosen = [with_settings(fig, assignments) for fig in chosen]
        if args.out is None:
            args.out = os.path.join("results", "settings", folder_name(chosen[0].settings))
    args.out = args.out or "results"
    check_writable(args.out)
    return chosen, assignments


def _planned_sweep(args):
    """(figure, grid, points, folder) of `sweep`, every point's settings checked before TensorFlow loads."""
    from . import figures
    from .files import check_writable
    from .sweep import check_points, grid_points, parse_grid, sweep_folder

    if args.workers > 1 and args.cluster:
        raise ValueError("--workers and --cluster are two ways to run the points; give one")
    fig = figures.get(args.id)
    grid = parse_grid(args.grid)
    points = grid_points(grid)
    check_points(fig, points)
    check_writable(args.out)
    return fig, grid, points, sweep_folder(args.out, fig.id, grid)


def _mnist(path, figs):
    """MNIST from `path` (see training_response.data.mnist.load) when one of `figs` trains on it, else
    None: loaded before anything runs, so that a missing source stops the command at once."""
    if not any(fig.kind == "images" for fig in figs):
        return None
    from training_response.data.mnist import load

    return load(path)


def _sweep(args, planned, command):
    """`sweep ID --grid ...`: every grid point (finished ones skipped), one progress bar over the
    points, then sweep.json, .csv and .png. Exit 1 when a point failed (its error is in sweep.json)."""
    import time

    import keras

    from .run import Run
    from .sweep import point_runs, run_many, write_sweep

    fig, grid, points, folder = planned
    mnist = _mnist(args.mnist, [fig])
    started = time.perf_counter()
    run = Run(fig, args.replicas, args.epochs, args.seed, args.engine, mnist=args.mnist, mnist_source=mnist.source if mnist else None)
    if args.workers > 1 or args.cluster:  # points finish elsewhere: one bar over them
        bar = keras.utils.Progbar(len(points), unit_name="point")
        bar.update(0)
        report = lambda done, *_: bar.update(done)  # noqa: E731
    else:  # points run here one after the other: a line per point with the sweep's ETA, the figure's bar beneath
        report = lambda done, total, row, seconds: print(_sweep_line(done, total, row, seconds))  # noqa: E731
        print(f"{fig.id} sweep: {len(points)} points")
    rows = run_many(point_runs(run, points, folder), command=command, workers=args.workers, cluster=args.cluster, report=report)
    failed = [row for row in rows if "error" in row]
    record = {
        "command": command,
        "figure": fig.id,
        "grid": grid,
        "replicas": run.replicas,
        "epochs": run.epochs,
        "seed": args.seed,
        "engine": args.engine,
        "runner": f"Dask cluster at {args.cluster}" if args.cluster else f"{args.workers} local process(es)" if args.workers > 1 else "this process",
        "seconds": round(time.perf_counter() - started, 1),
        "points": rows,
        "failed": failed,
    }
    paths = write_sweep(folder, record)
    print(f"\n{fig.id} sweep: wrote {paths['json']}, {paths['csv']}, {paths['png']}")
    for row in failed:
        print(f"failed: {row['settings']}: {row['error']}", file=sys.stderr)
    return 1 if failed else 0


def _finished_line(command, runs, done, total, name, row, seconds):
    """The line a command prints as one of its figure runs (a sweep's point, a robustness variant) ends."""
    eta = seconds / done * (total - done)
    state = "failed" if "error" in row else "skipped (up to date)" if row.get("skipped") else f"{row['seconds']} s"
    return f"\n{command}: {done}/{total} {runs} done ({name}: {state}), ETA {eta:.0f} s"


def _sweep_line(done, total, row, seconds):
    settings = ", ".join(f"{k}={v}" for k, v in row["settings"].items())
    return _finished_line("sweep", "points", done, total, settings, row, seconds)


def _planned_robustness(args):
    from .files import check_writable
    from .robustness import plan_for

    check_writable(args.out)
    return plan_for(args.ids, args.out)


def _robustness(args, planned, command):
    """`robustness [ID...]`: every planned variant (finished ones skipped), a line per finished run, then
    robustness.json. Exit 1 when a run failed (its error is in robustness.json)."""
    from .robustness import variant_runs
    from .study import run_plan

    mnist = _mnist(args.mnist, [fig for fig, _, _ in planned])
    total = len(variant_runs(planned, args.out))
    print(f"robustness: {total} variant runs of {len(planned)} figures (with the figures their comparisons read)")
    report = lambda done, total, row, seconds: print(_robustness_line(done, total, row, seconds))  # noqa: E731
    source = mnist.source if mnist else None
    record = run_plan(planned, args.out, workers=args.workers, mnist=args.mnist, mnist_source=source, command=command, report=report)
    print(f"\nrobustness: wrote {os.path.join(args.out, 'robustness.json')} ({record['seconds']:.0f} s)")
    for row in record["failed"]:
        print(f"failed: {row['figure']} {row['variant']}: {row['error']}", file=sys.stderr)
    return 1 if record["failed"] else 0


def _robustness_line(done, total, row, seconds):
    return _finished_line("robustness", "runs", done, total, row.get("results") or row["settings"], row, seconds)


def _run(args, chosen, command):
    """`run ID... | all`: figures in order, skipping those whose results are up to date (same config
    hash, unless --force); one progress bar over all; Ctrl-C exits 130 naming what finished."""
    import time

    start = time.perf_counter()
    figs, assignments = chosen
    mnist = _mnist(args.mnist, figs)  # before anything is written
    from .files import write_json
    from .progress import Progress, work
    from .figure_runs import WorkerFailed, run_in_order, run_in_processes
    from .run import Run, out_of_date

    source = mnist.source if mnist else None
    runs = [Run(fig, args.replicas, args.epochs, args.seed, args.engine, assignments, mnist=args.mnist, mnist_source=source, out=args.out) for fig in figs]
    planned = out_of_date(runs, args.force)
    progress = Progress(sum(work(run.figure, run.replicas, run.epochs) for run in planned))
    finished, times = [], {}
    rerun = {run.figure.id for run in planned}
    for run in runs:
        if run.figure.id not in rerun:
            print(f"{run.figure.id}: up to date, skipped (--force reruns it)")
            times[run.figure.id] = "skipped"

    def wrote(fig_id, paths, seconds):
        times[fig_id] = round(seconds, 1)
        finished.append(fig_id)
        print(f"\n{fig_id}: wrote {', '.join(paths.values())}")

    try:
        if args.workers > 1 and len(planned) > 1:
            run_in_processes(planned, progress, wrote, args.workers, command, _earlier_seconds(args.out))
        else:
            run_in_order(planned, progress, wrote, mnist, command)
    except KeyboardInterrupt:
        left = [run.figure.id for run in planned if run.figure.id not in finished]
        print(f"\ninterrupted: finished {', '.join(finished) or 'nothing'}; not finished {', '.join(left)}", file=sys.stderr)
        return 130
    except WorkerFailed as failure:
        if failure.usage:
            raise ValueError(failure.message) from None
        print(f"python -m replication: {failure.message}", file=sys.stderr)
        return 1
    if args.ids == ["all"] and finished:  # a rerun that skipped everything keeps the last measurement
        seconds = time.perf_counter() - start
        write_json(
            os.path.join(args.out, "run_all.json"),
            {
                "command": command,
                "seconds": round(seconds, 1),
                "minutes": round(seconds / 60, 1),
                "cpu": _cpu(),
                "figures": times,
                "complete": all(v != "skipped" for v in times.values()),
            },
        )
    return 0


def _earlier_seconds(out):
    """Each figure's seconds in the last `run all` into `out`, the workers' scheduling hint ({} if none)."""
    import json

    try:
        with open(os.path.join(out, "run_all.json")) as file:
            seconds = json.load(file)["figures"]
        return {fig_id: s for fig_id, s in seconds.items() if isinstance(s, (int, float))}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _show_tensorflow_messages():
    """--verbose: TensorFlow loads without the package hiding its messages (see training_response.quiet).
    The installed command has loaded it already, before parsing, so print what was held back instead."""
    os.environ["TRAINING_RESPONSE_VERBOSE"] = "1"
    quiet = sys.modules.get("training_response.quiet")
    if quiet:
        sys.stderr.write(quiet.captured())


def main(argv=None):
    with interrupts_outside_tensorflow():
        return _main(sys.argv[1:] if argv is None else list(argv))


def _main(argv):
    args = _parser().parse_args(argv)
    if args.verbose:
        _show_tensorflow_messages()
    command = "python -m replication " + shlex.join(argv)
    from . import figures

    if args.command == "list":
        for fig in figures.FIGURES.values():
            print(f"{fig.id}\t{fig.title}")
        return 0
    try:
        chosen = _chosen_figures(args) if args.command == "run" else None
        sweep = _planned_sweep(args) if args.command == "sweep" else None
        plan = _planned_robustness(args) if args.command == "robustness" else None
        if args.command in ("run", "sweep", "bench", "robustness"):
            # Loads TensorFlow quietly (training_response.quiet) before the runner or bench imports keras,
            # which would load it with its banners.
            import training_response  # noqa: F401

            from .processes import prepare_process

            prepare_process()
        if args.command == "run":
            return _run(args, chosen, command)
        elif args.command == "sweep":
            return _sweep(args, sweep, command)
        elif args.command == "robustness":
            return _robustness(args, plan, command)
        elif args.command == "bench":
            from .bench import run_bench

            run_bench(
                epochs=args.epochs,
                repeats=args.repeats,
                out=args.out,
                command=command,
                replicas=args.replicas,
                engine_epochs=args.engine_epochs,
                fit_replicas=args.fit_replicas,
            )
        elif args.command == "report":
            from .report import write_report

            print(f"wrote {write_report(args.out, before=args.before, command=command)}")
    except ValueError as error:
        print(f"python -m replication: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before a run's figure loop (which names what finished) or in another command
        print("\ninterrupted: finished nothing", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
