"""The figure runs (run.Run) of one `run` command: in this process one after the other, or in worker
processes side by side (`--workers N`), with one progress bar either way.

A figure that reads another's results (results_io.reference_ids) starts only once that one is written.
Each figure is run by `runner.run_figure` with its own seeds, so the files are the same whichever way
the figures are run. A worker is a spawned process (a forked TensorFlow runtime is not safe to use)
that takes one run at a time and reports its progress and its end through a queue.
"""

import os
import queue
import signal
import time
import traceback

from .run import Schedule


def run_in_order(runs, progress, finished, mnist=None, command=None):
    """Runs `runs` here, one after the other: runner.run_figure(run, progress, mnist, command), then
    finished(figure id, paths, seconds) for each. `mnist` is the loaded MNIST (or None)."""
    from .runner import run_figure

    for run in runs:
        began = time.perf_counter()
        paths = run_figure(run, progress, mnist, command)
        finished(run.figure.id, paths, time.perf_counter() - began)


def run_in_processes(runs, progress, finished, workers, command=None, seconds=None):
    """As run_in_order, with up to `workers` runs at once in worker processes: each worker loads MNIST
    itself from its first run's `mnist` path for a figure that needs it. A free worker takes the ready
    run with the longest chain of work ahead (run.Schedule), from `seconds`, the figures' times in an
    earlier run (those missing count 1 s: then the runs' own order decides). A run that fails raises
    WorkerFailed here, and Ctrl-C KeyboardInterrupt, once every worker has stopped at a safe point (a
    figure a worker finished meanwhile is reported to `finished` too)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    workers = min(workers, len(runs))
    tasks = [context.Queue() for _ in range(workers)]
    processes = [context.Process(target=_worker, args=(tasks[i], messages, command, workers), daemon=True) for i in range(workers)]
    for process in processes:
        process.start()
    running, progressed, done, started = {}, {}, set(), set()
    index_of = {run.figure.id: index for index, run in enumerate(runs)}
    order = Schedule(runs, {index: (seconds or {}).get(run.figure.id, 1.0) for index, run in enumerate(runs)})

    def handle(kind, fig_id, payload):
        if kind == "progress":
            progressed[fig_id] = payload
            progress.advance_to(sum(progressed.values()))
        elif kind == "finished":
            del running[fig_id]
            done.add(index_of[fig_id])
            finished(fig_id, *payload)
        else:
            raise WorkerFailed(fig_id, kind, payload)

    try:
        while len(started) < len(runs) or running:
            for index in [i for i in range(workers) if i not in running.values()]:
                ready = order.ready(done, started)
                if not ready:
                    break
                started.add(ready[0])
                running[runs[ready[0]].figure.id] = index
                tasks[index].put(runs[ready[0]])
            handle(*_next_message(messages, processes))
    except BaseException:
        for process in processes:  # each stops at a safe point (see _worker); one may finish its figure first
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        # Python ignores an exception raised in a weakref callback, so a SIGTERM that lands in one (matplotlib
        # runs them while a worker plots) is lost: that worker finishes its figure and stops here instead.
        for task in tasks:
            task.put(None)
        _wait_for(processes, messages, lambda *message: message[0] == "finished" and handle(*message))
        raise
    for task in tasks:
        task.put(None)
    _wait_for(processes, messages, handle)


class WorkerFailed(Exception):
    """A figure failed in a worker process: `message` is its ValueError's text (`usage` True) or the
    worker's traceback."""

    def __init__(self, fig_id, kind, payload):
        self.usage = kind == "ValueError"
        self.message = payload if self.usage else f"{fig_id or 'a worker'} failed: {payload}"
        super().__init__(self.message)


def _next_message(messages, processes):
    """The next message of the workers; a worker that dies without a word is an error."""
    while True:
        try:
            return messages.get(timeout=1.0)
        except queue.Empty:
            dead = [p for p in processes if p.exitcode not in (None, 0)]
            if dead:
                return "crashed", None, f"the worker process ended with exit code {dead[0].exitcode}"


def _wait_for(processes, messages, handle):
    """Waits for every worker to end, passing on their last messages (a worker does not end before what
    it sent has been read)."""
    while any(p.is_alive() for p in processes) or not messages.empty():
        try:
            handle(*messages.get(timeout=0.1))
        except queue.Empty:
            pass


def _next_task(tasks):
    """The next run for a worker (None: stop). It waits in short polls because the kernel may hand the
    parent's SIGTERM to another of the worker's threads (TensorFlow's, the queue's): Python then runs the
    handler only when the main thread runs Python again, never while it is blocked in one long read."""
    while True:
        try:
            return tasks.get(timeout=0.2)
        except queue.Empty:
            pass


class _Reporter:
    """A worker's stand-in for progress.Progress: each ensemble's progress goes to the parent as the
    replica-epochs its figure has done."""

    def __init__(self, messages, fig_id):
        self.messages, self.fig_id, self.used = messages, fig_id, 0

    def ensemble(self, size):
        base = self.used
        self.used += size
        return lambda done: self.messages.put(("progress", self.fig_id, base + done))


def _worker(tasks, messages, command, workers):
    """Runs the figure runs it is given until it is given None. Ctrl-C at the terminal reaches the parent,
    which stops the workers with SIGTERM: a worker takes it where the parent's Ctrl-C would be taken (see
    interrupts), and ends at once if the parent dies. It uses its share of the cores, one of `workers`."""
    from .interrupts import interrupts_outside_tensorflow
    from .processes import end_with_parent, prepare_process
    from .runner import run_figure

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent()
    prepare_process(workers)
    mnist = None
    try:
        with interrupts_outside_tensorflow(signal.SIGTERM):
            for run in iter(lambda: _next_task(tasks), None):
                fig_id = run.figure.id
                if run.figure.kind == "images" and mnist is None:
                    from training_response.data.mnist import load

                    mnist = load(run.mnist)
                began = time.perf_counter()
                try:
                    paths = run_figure(run, _Reporter(messages, fig_id), mnist, command)
                except ValueError as error:
                    messages.put(("ValueError", fig_id, str(error)))
                    return
                except Exception:
                    messages.put(("error", fig_id, traceback.format_exc()))
                    return
                messages.put(("finished", fig_id, (paths, time.perf_counter() - began)))
    except KeyboardInterrupt:
        return
