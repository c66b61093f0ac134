"""The robustness plan: for each figure, the choices the papers leave unstated (and this replication had to
make) together with their alternatives, each run as a variant of the figure; and, per claim, its verdict
under every variant beside the committed run's, with its finding (findings.py).

The plan is declared here, before any of its results were seen, and the claims' criteria are never
changed by it. A variant changes only what the papers do not state:
- the architecture's Conv1D/Conv2D kernel size and padding, and the initializer (Keras' default
  Glorot-uniform, or He-normal);
- the bits: the 2022 paper's H = Σ|x_i − x_j| reads as naturally on 0/1 strings as on the ±1 strings used;
- the 2024 learning rate: 0.1 is the 2022 paper's, Keras' SGD default is 0.01; 1.0 brackets it from above;
- what one epoch is in the 2022 Figs. 5-6: one full-batch step on the 20 points, or one step per point
  (Keras' fit with batch_size 1, shuffled each epoch);
- the aging fit window: each claim's own window, or its last decade only;
- what a dead feature is (2024 Fig. 7): zero on every input, or active on at most 1% or 5% of them;
- the images: the 10,000 offline MNIST digits, or tensorflow-datasets' 60,000 (run only where
  tensorflow-datasets is reachable, otherwise reported as not run);
- the ensemble size: 5× the committed one (a fixed multiple, run once) for every figure with a claim left
  inconclusive by its committed run when this plan was declared, and for the figures whose earlier plan
  already had a larger ensemble; the deterministic simplified system instead runs 10× longer.
A variant is a whole experiment: a figure that compares with another figure (2022 Figs. 2, 3, 7 against
Fig. 1; 2024 Figs. 3-5 against Figs. 1-2) finds that figure run under the same variant in the same folder,
OUT/robustness/<variant>/, where the plan runs it first.
"""

import dataclasses
import os

from .settings import folder_name, with_settings

MULTIPLE = 5  # the larger ensemble: a fixed multiple of the committed size, declared before any result
TFDS = "tensorflow-datasets"  # the MNIST source of the full-size variant (training_response.data.mnist)


@dataclasses.dataclass(frozen=True)
class Variant:
    """One alternative to the committed run: settings (as `run --set` takes them); an ensemble size or run
    length other than the figure's; `window` "last decade" to fit every claim's aging on the last decade of
    its own window; `mnist` the images' source (TFDS: tensorflow-datasets' 60,000)."""

    name: str
    settings: tuple = ()
    replicas: int = None
    epochs: int = None
    window: str = None
    mnist: str = None

    @property
    def size(self):
        """Whether the variant changes only how much is run (the ensemble's size or the run's length)."""
        return not self.settings and self.window is None and self.mnist is None

    def folder(self):
        extra = {"replicas": self.replicas, "epochs": self.epochs, "window": self.window, "mnist": self.mnist and "60k"}
        return folder_name({**dict(self.settings), **{k: v for k, v in extra.items() if v is not None}})

    def figure(self, fig):
        """The figure under this variant: its settings applied, and with `window` each claim's window cut."""
        fig = with_settings(fig, list(self.settings))
        if self.window is None:
            return fig
        epochs = self.epochs or fig.epochs
        return dataclasses.replace(fig, claims=tuple(_last_decade(claim, epochs) for claim in fig.claims))


def _last_decade(claim, epochs):
    """The claim with its fit window (lo, hi) cut to its last decade (hi / 10, hi), hi None meaning the last
    epoch; a window that spans less than a decade stays as it is."""
    if "window" not in claim:
        return claim
    lo, hi = claim["window"]
    return {**claim, "window": (max(lo, (hi or epochs) // 10), hi)}


KERNEL_5 = Variant("kernel size 5", (("model.kernel_size", "5"),))
SAME_PADDING = Variant("'same' padding", (("model.padding", "same"),))
HE_NORMAL = Variant("He-normal init", (("model.initializer", "he_normal"),))
BITS_01 = Variant("0/1 bits", (("training.bits", "01"),))
SLOW = Variant("η = 0.01", (("training.learning_rate", "0.01"),))
FAST = Variant("η = 1.0", (("training.learning_rate", "1.0"),))
PER_POINT = Variant("one step per point", (("training.dataset.batch_size", "1"),))
LAST_DECADE = Variant("aging fit on the last decade", window="last decade")
DEAD_1 = Variant("dead: active on ≤ 1%", (("probe.dead_share", "0.01"),))
DEAD_5 = Variant("dead: active on ≤ 5%", (("probe.dead_share", "0.05"),))
MNIST_60K = Variant("MNIST 60,000 images", mnist=TFDS)


def larger(replicas):
    """The larger ensemble of a figure committed with `replicas` runs."""
    return Variant(f"{MULTIPLE}× runs ({MULTIPLE * replicas})", replicas=MULTIPLE * replicas)


CONV = (KERNEL_5, HE_NORMAL, SAME_PADDING)
DENSE = (HE_NORMAL, SLOW, FAST)

PLAN = {
    "2022-fig1": CONV + (BITS_01, LAST_DECADE, larger(100)),
    "2022-fig2": CONV + (BITS_01, LAST_DECADE, larger(100)),
    "2022-fig3": CONV + (BITS_01, LAST_DECADE, larger(100)),
    "2022-fig4": CONV + (BITS_01, larger(30)),
    "2022-fig5": CONV + (BITS_01, PER_POINT, larger(20)),
    "2022-fig6": CONV + (BITS_01, PER_POINT, larger(20)),
    "2022-fig7": (KERNEL_5, HE_NORMAL, BITS_01, LAST_DECADE),
    "2022-fig8": CONV + (LAST_DECADE, MNIST_60K, larger(20)),
    "2022-fig9": (KERNEL_5, HE_NORMAL, MNIST_60K),
    "2024-fig1": DENSE + (LAST_DECADE, larger(20)),
    "2024-fig2": DENSE + (LAST_DECADE, larger(20)),
    "2024-fig3": DENSE + (LAST_DECADE, larger(20)),
    "2024-fig4": DENSE + (LAST_DECADE, larger(20)),
    # Deterministic: only a longer run can tell more (the power-law window runs to the last epoch). Its η
    # is stated per panel, so the learning-rate variants do not apply.
    "2024-fig5": (Variant("10× longer run", epochs=100_000), LAST_DECADE),
    "2024-fig6": DENSE + (larger(20),),
    "2024-fig7": DENSE + (DEAD_1, DEAD_5, larger(20)),
    # The theory of eqs. (19)-(20) on Figs. 1-3's runs: under the same unstated choices as those figures.
    "2024-theory": DENSE,
}


# The sizes the papers state. The 2022 paper gives its ensemble and epochs for Fig. 1 alone, the 2024 paper
# for none; every other committed size is the figure's assumption (its json's config.assumptions), and
# no committed run is smaller than a stated size.
STATED_SIZES = {"2022-fig1": "100 runs × 1,000 epochs"}


def variant_out(out, variant):
    """Where a variant's runs go: one folder per variant, holding every figure run under it."""
    return os.path.join(out, "robustness", variant.folder())


def plan_for(fig_ids, out, plan=PLAN):
    """[(Figure, its committed json path, its variants)] for the chosen figures of `plan` (default: all),
    each variant's figure built (and the figures it compares with) and each committed run present: a bad
    plan stops before anything runs."""
    from . import figures
    from .results_io import output_paths, reference_ids

    chosen = list(plan) if not fig_ids or fig_ids == ["all"] else fig_ids
    planned = []
    for fig_id in chosen:
        fig = figures.get(fig_id)
        if fig_id not in plan:
            raise ValueError(f"{fig_id} has no robustness plan; planned figures: {', '.join(plan)}")
        for variant in plan[fig_id]:
            for each in (fig, *map(figures.get, reference_ids(fig))):
                variant.figure(each)
        committed = output_paths(fig, out)["json"]
        if not os.path.exists(committed):
            raise ValueError(f"{committed} is missing: the plan compares with the committed run; run `python -m replication run {fig_id}` first")
        planned.append((fig, committed, plan[fig_id]))
    return planned


def variant_runs(planned, out, mnist=None, mnist_source=None):
    """The figure runs (run.Run) of the plan, each (figure id, variant, run, whether planned or only there
    as another's reference): every planned variant and, before the figures that compare with another
    figure, that figure under the same variant."""
    from . import figures
    from .results_io import reference_ids
    from .run import Run

    runs, seen = [], set()

    def add(fig, variant, planned_here):
        key = (fig.id, variant.folder())
        if key in seen:
            return
        seen.add(key)
        path, source = (variant.mnist, None) if variant.mnist else (mnist, mnist_source)
        run = Run(variant.figure(fig), variant.replicas, variant.epochs, settings=variant.settings, mnist=path, mnist_source=source, out=variant_out(out, variant))
        runs.append((fig.id, variant, run, planned_here))

    for fig, _, variants in planned:
        for variant in variants:
            add(fig, variant, True)
    for fig, _, variants in planned:
        for variant in variants:
            for ref in reference_ids(fig):
                add(figures.get(ref), variant, False)
    return runs
