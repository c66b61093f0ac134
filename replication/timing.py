"""Wall-clock timing shared by the bench and its JAX reference: every timed call goes through
seconds_of_calls, so that both read one clock the same way."""

import time


def seconds_of_calls(call, count):
    """The wall seconds of each of `count` calls call(0), call(1), …, one after another."""
    times = []
    for index in range(count):
        start = time.perf_counter()
        call(index)
        times.append(time.perf_counter() - start)
    return times


def ms_per_replica_epoch(seconds, replicas, epochs):
    return 1e3 * seconds / (replicas * epochs)
