"""Declarative figure configs. A figure is data: which model, which training stream, what the probe
measures, which panels to draw and which of the paper's claims to test. One runner runs them all."""

import dataclasses
import difflib

from .. import settings as _settings
from ..claims import check_claims
from . import nakazato2022, nakazato2024

# What a figure trains and probes, each kind with its own setup, training path and panels:
# "points": one training point x_o, probed over Hamming shells around it;
# "pairs": a set of points, each probed at every other (the 2022 paper's Figs. 4-6);
# "images": one MNIST image, probed at other images (the 2022 paper's Figs. 8-9);
# "simplified": no network, the two-variable simplified system of the 2024 paper (its Fig. 5).
FIGURE_KINDS = ("points", "pairs", "images", "simplified")


def _kind(fig):
    """The figure's kind: that of its ensembles, which must agree (one runner path, one set of panels)."""
    kinds = {_ensemble_kind({**fig.model, **v.get("model", {})}, {**fig.training, **v.get("training", {})}) for v in fig.variants or ({},)}
    if len(kinds) > 1:
        raise ValueError(f"{fig.id}: its variants are of different kinds {sorted(kinds)}; make them separate figures")
    return kinds.pop()


def _ensemble_kind(model, training):
    if model.get("builder") == "simplified":
        return "simplified"
    if "dataset" in training:
        return "pairs"
    if training.get("inputs") == "mnist":
        return "images"
    return "points"


@dataclasses.dataclass(frozen=True)
class Figure:
    id: str  # "2024-fig1"
    paper: str  # output folder: results/<paper>/
    name: str  # file stem: fig1
    title: str
    model: dict  # builder name and its keyword arguments
    training: dict  # bits, the point's target, the target encoding and its parameters
    probe: dict  # ResponseProbe arguments
    replicas: int  # ensemble size at the paper's scale
    epochs: int  # epochs at the paper's scale
    kernel_epochs: tuple  # epochs whose kernels are plotted and tested
    panels: tuple  # what the png shows, in order
    claims: tuple  # the paper's claims about the figure, each naming its claim check under "test"
    assumptions: dict  # every choice the paper leaves open, with the reason
    # Ensembles drawn in one figure (e.g. ReLU and ELU rows): each a label with overrides of model and
    # training; none means one ensemble with the label "".
    variants: tuple = ()
    # Settings changed from the paper's with `--set` ({"model.features": 512}); empty for the paper's config.
    settings: dict = dataclasses.field(default_factory=dict)
    # One of FIGURE_KINDS, decided from the model, training and variants when the figure is built.
    kind: str = dataclasses.field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "kind", _kind(self))
        _settings.check(self)
        check_claims(self)

    def to_json(self):
        config = dataclasses.asdict(self)
        del config["kind"]  # derived from the model and training, which the json holds
        if not self.settings:  # the paper's config: its json (and config hash) as before settings existed
            del config["settings"]
        return config

    def variant_configs(self):
        """(label, Figure) for every ensemble of the figure, with the variant's overrides merged in."""
        if not self.variants:
            return [("", self)]
        return [
            (
                v["label"],
                dataclasses.replace(
                    self,
                    model={**self.model, **v.get("model", {})},
                    training={**self.training, **v.get("training", {})},
                    variants=(),
                ),
            )
            for v in self.variants
        ]


FIGURES = {fig.id: fig for fig in (Figure(**spec) for spec in (*nakazato2024.FIGURES, *nakazato2022.FIGURES))}


def get(figure_id):
    if figure_id not in FIGURES:
        close = difflib.get_close_matches(str(figure_id), FIGURES, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown figure id {figure_id!r}; {hint}valid ids: {', '.join(FIGURES)} (or all)")
    return FIGURES[figure_id]
