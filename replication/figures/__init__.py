"""Declarative figure configs. A figure is data: which model, which training stream, what the probe
measures, which panels to draw and which of the paper's claims to test. One runner runs them all."""

import dataclasses

from replication.figures import nakazato2024


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
    claims: tuple  # the paper's claims about the figure, each with its analysis test
    assumptions: dict  # every choice the paper leaves open, with the reason

    def to_json(self):
        return dataclasses.asdict(self)


FIGURES = {fig.id: fig for fig in (Figure(**spec) for spec in nakazato2024.FIGURES)}


def get(figure_id):
    if figure_id not in FIGURES:
        raise ValueError(f"unknown figure id {figure_id!r}; `python -m replication list` shows the ids")
    return FIGURES[figure_id]
