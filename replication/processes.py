"""Process policy of the command line's runs: how many threads TensorFlow's ops take and how many replicas
are measured side by side, and the set-up of every process that runs figures (this one, worker processes,
cluster workers). TensorFlow is imported inside the functions: importing this module loads nothing."""

import os


def _tensorflow():
    """TensorFlow, loaded by the package (without its start-up banners) when this is the first import: in a
    worker process this module may be the first of the project to run, by the name `replication.processes`."""
    import training_response  # noqa: F401
    import tensorflow as tf

    return tf


def parallel_replicas():
    """How many replicas a convolutional network's measurement runs side by side: the ops TensorFlow runs at
    once in this process (see use_one_thread_per_op)."""
    tf = _tensorflow()
    set_ = os.environ.get("TF_NUM_INTEROP_THREADS", "")
    return (int(set_) if set_.isdigit() else 0) or tf.config.threading.get_inter_op_parallelism_threads() or os.cpu_count() or 1


# The papers' networks are too small for threads within one op: replicas side by side use the cores better
# (measured in docs/cost.md).
def use_one_thread_per_op(processes=None):
    """Sets TensorFlow's ops to one thread each, and, when `processes` processes share the machine (run,
    sweep and robustness --workers), this one's share of the cores as the ops it runs at once, unless
    TF_NUM_INTRAOP_THREADS or TF_NUM_INTEROP_THREADS say otherwise. It takes effect only before TensorFlow
    runs its first op; later (a sweep point run in a process that has run others) the threads stay as they
    are, as does a share set before."""
    threading = _tensorflow().config.threading
    settings = [("TF_NUM_INTRAOP_THREADS", threading.get_intra_op_parallelism_threads, threading.set_intra_op_parallelism_threads, 1)]
    if processes is not None:
        share = max(1, (os.cpu_count() or 1) // processes)
        settings.append(("TF_NUM_INTEROP_THREADS", threading.get_inter_op_parallelism_threads, threading.set_inter_op_parallelism_threads, share))
    for variable, get, set_, count in settings:
        if variable in os.environ or get() != 0:
            continue
        try:
            set_(count)
        except RuntimeError:  # TensorFlow has run ops already
            pass


def prepare_process(processes=None):
    """What every process that runs figures does first: TensorFlow's internal warnings hidden and its
    threads set (use_one_thread_per_op; a no-op where TensorFlow has run ops already)."""
    from training_response.quiet import hide_internal_warnings

    hide_internal_warnings()
    use_one_thread_per_op(processes)


def end_with_parent():
    """Ends this worker process at once when the process that started it dies (killed, not interrupted),
    so that no orphan goes on training; a rerun resumes from the checkpoints."""
    import multiprocessing
    import threading

    threading.Thread(target=lambda: (multiprocessing.parent_process().join(), os._exit(1)), daemon=True).start()
