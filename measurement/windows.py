"""A stacked Conv1D network on inputs whose entries take few values, read from tables of its windows.

With 'valid' padding every output position of a convolution reads the same span of input positions (its
receptive field, moved along by the product of the strides) and computes the same function of it. When the
inputs' entries take a few values (±1 bit strings: 2) that function has few arguments, so it can be
tabulated: layer by layer, a convolution's table over its windows is made from the previous layer's table
over the sub-windows its kernel reads (one batched matrix product per layer). The dense layer after Flatten
adds up, over the positions, each position's features times that position's rows of its kernel, so its
pre-activation is the bias plus one entry per position of a table per position and window. A probe point
then costs one look-up per position, whatever the convolutions' size. The values are those of the stacked
network (the same sums over the same inputs, in another order, so float32 rounding may differ), Θ included:
the tables' derivatives along the tangents are made with them, in forward mode.

This pays when the tables are smaller than the work they save: many probe points (2022-fig1's 1,334 points
of 16 bits) and a small receptive field (7 positions for three kernels of 3: 128 windows).
`tabulated_output_fn` compares the multiply-adds of both ways for the number of points and says None where
the tables do not pay, or where the network is not 'valid' Conv1D layers that training_response.stacked
can stack followed by Flatten and a Dense layer.
"""

import math
from typing import Callable, NamedTuple

import keras
import numpy as np
import tensorflow as tf

from .stacked import activation_and_derivative, apply_steps, layer_steps, stackable

# At most this many windows in the last convolution's table (2^16: 32 MiB of float32 features for 8
# filters and 16 replicas).
MOST_WINDOWS = 2**16

# Inputs whose entries take more values than this are not tabulated.
MOST_VALUES = 4


def input_alphabet(*arrays, most=MOST_VALUES):
    """The sorted distinct values of the entries of `arrays` as floats, or None when there are more than
    `most` of them (or none)."""
    values = np.unique(np.concatenate([np.asarray(a, np.float32).ravel() for a in arrays]))
    return tuple(float(v) for v in values) if 0 < len(values) <= most else None


class Tabulated(NamedTuple):
    """A stacked network whose convolutions and first dense layer are read from tables (see
    `tabulated_output_fn`). encode(x (B, R, L, C)) -> the table rows the points read (B, R, positions),
    computed once for all probe points; prepare(params, tangents=None) -> at(rows) -> (f (B, R), ḟ (B, R)
    or None): what the stacked g(params, x, tangents) gives, the tables made once in `prepare`. `width`:
    the most floats per point and replica that at() holds at once (for the size of a chunk of points)."""

    encode: Callable
    prepare: Callable
    width: int


class _Table(NamedTuple):
    """How one convolution's table is made: `reads` (windows, kernel) the row of the previous table that
    each kernel tap reads for each of this layer's windows; `step` the layer's (layer, maps, weights) of
    stacked.layer_steps, or a layer without weights."""

    reads: np.ndarray
    step: tuple


def _tables(steps, symbols):
    """(tables, width, stride, work): per layer before Flatten, how its table is made; the input positions
    the last table's windows span, the input positions between neighbouring output positions, and the
    multiply-adds of making every table for one replica. None when a table would exceed MOST_WINDOWS
    windows (checked before its windows are listed)."""
    tables, width, stride, work = [], 1, 1, 0
    for step in steps:
        layer = step[0]
        if not isinstance(layer, keras.layers.Conv1D):
            tables.append(_Table(None, step))
            continue
        taps, dilation = layer.kernel_size[0], layer.dilation_rate[0]
        grown = width + (taps - 1) * dilation * stride
        if grown * math.log2(symbols) > math.log2(MOST_WINDOWS):
            return None
        window = np.arange(symbols**grown)
        # Tap j reads the sub-window starting j·dilation·stride input positions into this layer's window,
        # the window's symbols being the digits of its index, most significant first.
        reads = np.stack([window // symbols ** (grown - j * dilation * stride - width) % symbols**width for j in range(taps)], axis=1)
        tables.append(_Table(reads.astype(np.int32), step))
        work += len(window) * taps * layer.kernel.shape[1] * layer.filters
        width, stride = grown, stride * layer.strides[0]
    return tables, width, stride, work


def _parts(model):
    """(convolutions, dense) of a model made of 'valid' Conv1D layers and layers without weights, then
    Flatten, Dropout layers and a Dense layer: how many layers come before Flatten and the index of that
    Dense layer in model.layers; None for any other model."""
    layers = list(model.layers)
    cut = next((i for i, layer in enumerate(layers) if isinstance(layer, keras.layers.Flatten)), None)
    if cut is None or not any(isinstance(layer, keras.layers.Conv1D) for layer in layers[:cut]):
        return None
    if any(isinstance(layer, keras.layers.Conv1D) and layer.padding != "valid" for layer in layers[:cut]):
        return None
    dense = next((i for i in range(cut + 1, len(layers)) if not isinstance(layers[i], keras.layers.Dropout)), None)
    if dense is None or not isinstance(layers[dense], keras.layers.Dense):
        return None
    return cut, dense


def tabulated_output_fn(model, alphabet, points=None):
    """The `Tabulated` form of R replicas of `model` stacked as in
    training_response.stacked.stacked_output_fn, for inputs whose entries all lie in `alphabet` (sorted
    values; the caller guarantees it, e.g. with `input_alphabet`).

    None when the model is not stackable, not 'valid' Conv1D layers → Flatten → Dense (layers without
    weights between the convolutions, Dropout before the Dense layer), its last table would exceed
    MOST_WINDOWS windows, or, with `points`, when running that many points through the convolutions takes
    no more multiply-adds than making the tables.
    """
    if alphabet is None or not stackable(model):
        return None
    parts = _parts(model)
    if parts is None:
        return None
    cut, dense = parts
    length, channels = model.inputs[0].shape[1:]
    symbols = len(alphabet) ** channels
    steps = layer_steps(model)
    made = _tables(steps[:cut], symbols)
    if made is None:
        return None
    tables, width, stride, work = made
    count = symbols**width
    convolutions = [layer for layer in model.layers[:cut] if isinstance(layer, keras.layers.Conv1D)]
    direct = sum(layer.output.shape[1] * layer.kernel_size[0] * layer.kernel.shape[1] * layer.filters for layer in convolutions)
    if points is not None and work >= points * direct:
        return None
    positions = model.layers[cut].input.shape[1]
    first = tf.constant(_symbol_values(alphabet, channels))
    reader = tf.constant(_window_reader(length, channels, len(alphabet), width, stride, positions))
    offsets = tf.range(positions) * count
    layer, _, (kernel, bias) = steps[dense]
    units = layer.units

    def encode(x):
        batch, replicas = tf.shape(x)[0], x.shape[1]
        # Each entry's index in the alphabet, and each window's index as the weighted sum of its entries'
        # (a matrix product, exact in float32 below 2^24 > MOST_WINDOWS).
        digits = tf.add_n([tf.cast(x >= threshold, tf.float32) for threshold in alphabet[1:]])
        window = tf.cast(tf.matmul(tf.reshape(digits, [-1, reader.shape[0]]), reader), tf.int32)
        # Row of (replica r, position l, window) in the tables: (r·positions + l)·count + window.
        return tf.reshape(window, [batch, replicas, positions]) + offsets + tf.range(replicas)[:, None] * (positions * count)

    def prepare(params, tangents=None):
        replicas = params[0].shape[0]
        features, dfeatures = _features(tables, params, tangents, tf.tile(first[None], [replicas, 1, 1]))
        by_position = tf.reshape(params[kernel], [replicas, positions, -1, params[kernel].shape[-1]])
        table = _dense_rows(features, by_position)
        if tangents is not None:
            dtable = _dense_rows(features, tf.reshape(tangents[kernel], by_position.shape)) + _dense_rows(dfeatures, by_position)
            table = tf.concat([table, dtable], axis=-1)  # one look-up for both

        def at(rows):
            both = tf.reduce_sum(tf.gather(table, rows), axis=2)
            z, dz = both[..., :units], None if tangents is None else both[..., units:]
            if bias is not None:
                z += params[bias]
                dz = None if dz is None else dz + tangents[bias]
            h, dh = activation_and_derivative(layer.activation, z, dz)
            h, dh = apply_steps(steps[dense + 1 :], params, tangents, h, dh, replicas)
            batch = tf.shape(rows)[0]
            return tf.reshape(h, [batch, replicas]), None if tangents is None else tf.reshape(dh, [batch, replicas])

        return at

    floats_per_point = max(2 * positions * units, *(math.prod(later.output.shape[1:]) for later in model.layers[dense:]))
    return Tabulated(encode, prepare, floats_per_point)


def _features(tables, params, tangents, values):
    """The last convolution's features (R, windows, F) and their derivative along `tangents` (None without),
    from `values` (R, symbols, C), the input symbols' channel values, through every layer's table."""
    dvalues = None
    for reads, (layer, maps, weights) in tables:
        if maps is None:
            if isinstance(layer, keras.layers.Activation):
                values, dvalues = activation_and_derivative(layer.activation, values, dvalues)
            continue  # Dropout: the identity in inference mode.
        replicas = values.shape[0]
        read = tf.reshape(tf.gather(values, reads, axis=1), [replicas, len(reads), -1])  # (R, windows, taps·C)
        kernel = tf.reshape(params[weights[0]], [replicas, read.shape[-1], -1])
        z = tf.matmul(read, kernel)
        dz = None
        if tangents is not None:
            dz = tf.matmul(read, tf.reshape(tangents[weights[0]], kernel.shape))
            if dvalues is not None:
                dz += tf.matmul(tf.reshape(tf.gather(dvalues, reads, axis=1), read.shape), kernel)
        if weights[1] is not None:
            z += params[weights[1]][:, None]
            dz = None if dz is None else dz + tangents[weights[1]][:, None]
        values, dvalues = activation_and_derivative(layer.activation, z, dz)
    return values, dvalues


def _dense_rows(features, kernel):
    """The dense layer's share per position and window, features (R, windows, F) times its kernel's rows per
    position (R, positions, F, U), as table rows (R·positions·windows, U)."""
    share = tf.einsum("rcf,rpfu->rpcu", features, kernel)
    return tf.reshape(share, [-1, share.shape[-1]])


def _symbol_values(alphabet, channels):
    """(symbols, C) float32: the channel values of each input symbol, its channels' alphabet indices the
    digits of its index, most significant first."""
    size = len(alphabet)
    symbol = np.arange(size**channels)
    return np.asarray(alphabet, np.float32)[(symbol[:, None] // size ** np.arange(channels - 1, -1, -1)) % size]


def _window_reader(length, channels, size, width, stride, positions):
    """(length·C, positions) float32: an input's alphabet indices (flattened) times it give each position's
    window index, the entries' indices its digits as in `_symbol_values` and `_tables`."""
    reader = np.zeros((length, channels, positions), np.float32)
    weights = (size**channels) ** np.arange(width - 1, -1, -1)
    channel_weights = size ** np.arange(channels - 1, -1, -1)
    for position in range(positions):
        start = position * stride
        reader[start : start + width, :, position] = weights[:, None] * channel_weights
    return reader.reshape(length * channels, positions)
