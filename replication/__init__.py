"""Replication of K. Nakazato's training-response papers: models, figure configs, runner, analysis, plots."""
