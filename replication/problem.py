"""Problem setup: everything random about a replica (its training point or points, its training stream,
its seeds) and where the probe looks (the measured epochs, the probe points), fixed by the figure's
config, the run's seed and the replica's index. Both training paths start from these."""

import numpy as np

from training_response.points import probe_points
from training_response.schedule import log_epochs
from training_response.data import draw_point_target, random_bits, target_stream
from training_response.data.datasets import grouped_points, mixture_stream, shuffled_batch_stream, two_points
from training_response.data.streams import random_training
from .models import BUILDERS, LEARNING_RATE, compile_sgd


def measured_epochs(fig, epochs):
    """The probe's schedule within 1..epochs: every epoch, or log-spaced epochs plus the kernel epochs."""
    schedule = fig.probe.get("schedule", "log")
    if schedule == "every":
        return list(range(1, epochs + 1))
    if schedule == "kernel":
        return [e for e in kernel_epochs(fig, epochs) if e > 0]
    if schedule != "log":
        raise ValueError(f"unknown probe schedule {schedule!r}; use 'log', 'every' or 'kernel'")
    return sorted(set(log_epochs(epochs)) | {e for e in fig.kernel_epochs if 0 < e <= epochs})


def kernel_epochs(fig, epochs):
    """The config's kernel epochs that fit in a run of `epochs`, ending with the last epoch."""
    return sorted({e for e in fig.kernel_epochs if e <= epochs} | {epochs})


def learning_rate(fig):
    """η of the figure's SGD (or of the simplified system's map): its training setting, else both papers' 0.1."""
    return float(fig.training.get("learning_rate", LEARNING_RATE))


def build_model(fig, seed):
    """The figure's network with the weights of `seed`, compiled with its SGD."""
    spec = dict(fig.model)
    return compile_sgd(BUILDERS[spec.pop("builder")](**spec, seed=seed), learning_rate(fig))


def _dataset_setup(fig, rng, stream_seq, epochs):
    """A replica's points X (N, n), their targets, groups and its stream of (S, B) steps: S = epochs, or
    epochs · N / B for a "groups" dataset whose batch_size B is below its N points (see training._dataset_run)."""
    training, spec = fig.training, fig.training["dataset"]
    n_bits, values = fig.model["n_bits"], training["bits"]
    if spec["kind"] == "two_points":
        points = two_points(n_bits, spec["distance"], rng, values=values)
        # Both points share the probe's target; training draws its targets from the encoding.
        point_y = np.full(2, draw_point_target(training["point_target"], rng), np.float32)
        group = np.arange(2)
        stream_rng = np.random.default_rng(stream_seq)
        inputs, _ = mixture_stream(points, spec["alpha"], epochs, stream_rng)
        encoding = target_stream(training["encoding"], point_y[0], epochs, stream_rng, **training["encoding_params"])
        targets = encoding[:, None]
    elif spec["kind"] == "groups":
        points, point_y, group = grouped_points(n_bits, spec["groups"], rng, values=values)
        # Keras' fit with shuffle=True: with batch_size >= N one full-batch step per epoch (nothing drawn),
        # else N / batch_size steps per epoch in an order drawn anew each epoch from the replica's stream.
        try:
            inputs, targets = shuffled_batch_stream(points, point_y, epochs, spec.get("batch_size", 32), stream_seq)
        except ValueError as error:
            raise ValueError(f"{fig.id}: training.dataset.batch_size: {error}") from None
    else:
        raise ValueError(f"unknown dataset kind {spec['kind']!r}; use 'two_points' or 'groups'")
    return {"points": points, "point_y": point_y, "group": group, "inputs": inputs, "targets": targets}


def _image_setup(fig, images, rng, stream_seq, probe_seq, epochs):
    """A replica's training image (uniform from the source), its target stream, and its probe: the
    image itself followed by `probe["images"]` other images sampled without replacement."""
    if images is None:
        raise ValueError(f"{fig.id} trains on MNIST images; load them with training_response.data.mnist.load() and pass images=")
    index = int(rng.integers(len(images)))
    x_o = images[index][..., None]
    y_o = draw_point_target(fig.training["point_target"], rng)
    targets = target_stream(fig.training["encoding"], y_o, epochs, stream_seq, **fig.training["encoding_params"])
    others = np.delete(np.arange(len(images)), index)
    count = fig.probe["images"]
    if count > len(others):
        raise ValueError(f"the probe wants {count} images besides x_o but the MNIST source has {len(others)}; use a larger source")
    probe_index = np.random.default_rng(probe_seq).choice(others, count, replace=False)
    probe_x = np.concatenate([x_o[None], images[probe_index][..., None]])
    return {"x_o": x_o, "y_o": y_o, "inputs": None, "targets": targets, "point_index": index, "probe_index": probe_index, "probe_x": probe_x}


def replica_setup(fig, seed, replica, epochs, images=None):
    """Everything random about one replica, fixed by (seed, replica): its training point (or points),
    its training stream (inputs, None for x_o at every step, and targets), the seed of its initial
    weights and the seed of its probe-point sampling."""
    seq = np.random.SeedSequence([int(seed), int(replica)])
    model_seq, point_seq, stream_seq, probe_seq = seq.spawn(4)
    rng = np.random.default_rng(point_seq)
    training = fig.training
    seeds = {"model_seed": int(model_seq.generate_state(1)[0]), "probe_seed": int(probe_seq.generate_state(1)[0])}
    if fig.kind == "pairs":
        return {**_dataset_setup(fig, rng, stream_seq, epochs), **seeds}
    if fig.kind == "images":
        return {**_image_setup(fig, images, rng, stream_seq, probe_seq, epochs), **seeds}
    x_o = random_bits(fig.model["n_bits"], values=training["bits"], rng=rng)
    y_o = draw_point_target(training["point_target"], rng)
    if training.get("inputs", "fixed") == "random":
        inputs, targets = random_training(
            x_o, y_o, epochs, stream_seq, p_fixed=training["p_fixed"], values=training["bits"], clean_after=clean_after_epoch(fig, epochs)
        )
    else:
        inputs = None  # every step trains on x_o
        targets = target_stream(training["encoding"], y_o, epochs, stream_seq, **training["encoding_params"])
    return {"x_o": x_o, "y_o": y_o, "inputs": inputs, "targets": targets, **seeds}


def clean_after_epoch(fig, epochs):
    """The epoch from which random training turns to (x_o, y_o) alone (training.clean_after, a share of the
    epochs), or None."""
    share = fig.training.get("clean_after")
    if share is None:
        return None
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"training.clean_after={share} is not a share of the epochs; use a number in [0, 1]")
    return int(round(share * epochs))


def step_inputs(setup, x_o, epochs):
    """The stream's inputs shaped like the model's input, (epochs, *x_o.shape)."""
    if setup["inputs"] is None:
        return np.broadcast_to(x_o, (epochs,) + x_o.shape)
    return setup["inputs"].reshape((epochs,) + x_o.shape)


def replica_probe(fig, setup, x_o):
    """(probe points, distance) of one replica: its own sampled images, or Hamming shells around x_o."""
    if "probe_x" in setup:
        return probe_points(x_o, setup["probe_x"], None, None, 0)
    return probe_points(x_o, None, fig.probe["shells"], fig.probe["samples_per_shell"], setup["probe_seed"])


def replicas_distance(fig, distances):
    """One (P,) distance layout shared by the replicas; (R, P) for images, whose distances are each
    replica's own."""
    if all(np.array_equal(d, distances[0]) for d in distances):
        return distances[0]
    if fig.kind == "images":
        return np.stack(distances)
    raise RuntimeError("replicas were probed at different distance layouts; use whole or equally sampled shells")
