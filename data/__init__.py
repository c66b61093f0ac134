"""Inputs and targets of the papers' toy problems: bit strings, Hamming shells, target encodings."""

from .bits import (
    hamming_distance,
    is_bit_string,
    random_bits,
    shell,
    shells,
)
from .targets import ENCODINGS, draw_point_target, target_stream

__all__ = [
    "ENCODINGS",
    "draw_point_target",
    "hamming_distance",
    "is_bit_string",
    "random_bits",
    "shell",
    "shells",
    "target_stream",
]
