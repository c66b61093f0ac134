"""Declarative figure configs. A figure is data: which model, which training stream, what the probe
measures, which panels to draw and which of the paper's claims to test. One runner runs them all."""

import dataclasses
import difflib

from .. import settings as _settings
from . import nakazato2022, nakazato2024


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

    def __post_init__(self):
        _settings.check(self)

    @property
    def uses_images(self):
        """Whether the figure trains on MNIST images (the 2022 paper's Figs. 8-9)."""
        return self.training.get("inputs") == "mnist"

    def to_json(self):
        config = dataclasses.asdict(self)
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
