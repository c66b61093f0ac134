"""One figure run as a value: what `run`, `sweep`, `robustness` and the worker processes pass around, and
what its results depend on (the config hash that decides whether a rerun is needed)."""

import dataclasses
import hashlib
import json

from .figures import Figure


@dataclasses.dataclass(frozen=True)
class Run:
    """A figure run: the figure with `settings` applied, its sizes (None: the figure's), seed, engine (the
    training path's name, "ensemble" or "fit") and output folder. `mnist` is the .npz path the images are
    loaded from (None: $REPLICATION_MNIST, else tensorflow-datasets), `mnist_source` what was loaded, as
    training_response.data.mnist.load describes it (None: loaded when the hash needs it). Plain values
    only, so that it pickles into worker processes and onto a Dask cluster."""

    figure: Figure
    replicas: int = None
    epochs: int = None
    seed: int = 0
    engine: str = "ensemble"
    settings: tuple = ()  # the (KEY, text) assignments applied to `figure`, as `--set` or a grid point gave them
    mnist: str = None
    mnist_source: str = None
    out: str = "results"

    def __post_init__(self):
        for size in ("replicas", "epochs"):
            value = getattr(self, size)
            object.__setattr__(self, size, getattr(self.figure, size) if value is None else int(value))
        object.__setattr__(self, "settings", tuple(tuple(assignment) for assignment in self.settings))

    def config_hash(self):
        """What the run's results depend on, hashed: the figure's config, sizes, seed, engine, MNIST source
        and the results of the figures it compares against (their own hashes, as stored in `out`)."""
        from . import figures
        from .results_io import json_ready, reference_ids, stored_record

        fig = self.figure
        references = {ref: (stored_record(figures.get(ref), self.out) or {}).get("config_hash") for ref in reference_ids(fig)}
        payload = {
            "config": fig.to_json(),
            "replicas": self.replicas,
            "epochs": self.epochs,
            "seed": int(self.seed),
            "engine": self.engine,
            "mnist": self._mnist_source(),
            "references": references,
        }
        return hashlib.sha256(json.dumps(json_ready(payload), sort_keys=True).encode()).hexdigest()[:16]

    def is_up_to_date(self):
        """Whether `out` holds the figure's complete results made with this config hash."""
        from .results_io import stored_record

        record = stored_record(self.figure, self.out)
        return record is not None and record.get("config_hash") == self.config_hash()

    def _mnist_source(self):
        if self.figure.kind != "images":
            return None
        if self.mnist_source is None:
            from training_response.data.mnist import load

            return load(self.mnist).source
        return self.mnist_source


def out_of_date(runs, force=False):
    """The runs that need running, in order: those whose results are not up to date (every one with
    `force`), and those that compare against a figure run before them."""
    from .results_io import reference_ids

    planned = []
    for run in runs:
        rerun = {r.figure.id for r in planned}
        if force or not run.is_up_to_date() or any(ref in rerun for ref in reference_ids(run.figure)):
            planned.append(run)
    return planned


@dataclasses.dataclass
class Schedule:
    """The order of `runs`: each waits for the runs into its own folder of the figures it compares with,
    and among the runs free to start the one with the longest chain of expected seconds ahead goes first."""

    runs: list
    seconds: dict

    def __post_init__(self):
        from .results_io import reference_ids

        where = {(run.out, run.figure.id): index for index, run in enumerate(self.runs)}
        self.waits = [{where[(run.out, ref)] for ref in reference_ids(run.figure) if (run.out, ref) in where} for run in self.runs]
        dependents = [[j for j, waits in enumerate(self.waits) if index in waits] for index in range(len(self.runs))]
        chain = {}

        def longest(index):
            if index not in chain:
                chain[index] = float(self.seconds.get(index, 1.0)) + max(map(longest, dependents[index]), default=0.0)
            return chain[index]

        self.chain = {index: longest(index) for index in range(len(self.runs))}

    def ready(self, done, started):
        """The runs free to start (every run they wait for done, not started yet), longest chain first."""
        free = [i for i in range(len(self.runs)) if i not in started and self.waits[i] <= done]
        return sorted(free, key=lambda i: (-self.chain[i], i))

    def sequence(self):
        done = []
        while len(done) < len(self.runs):
            done.append(self.ready(set(done), set(done))[0])
        return done
