"""Replication of K. Nakazato's training-response papers: models, figure configs, runner, statistics, claim checks, plots."""
