"""Choosing a learning rate from a grid, fairly: on held-out validation images, never on the test set.

The depth sweep and the exploding-gradients demo train every configuration at
every rate of a grid, as one more batched dimension. A configuration is then
judged at its own best rate, so a network that only needed a larger step is
not counted as one its depth defeated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads where arrays are made: checking content needs none
    import numpy as np


def rate_key(rate: float) -> str:
    """How a learning rate is named in results: 0.01 -> "0.01", 0.3 -> "0.3"."""
    return f"{rate:g}"


def choose_rates(validation_acc: np.ndarray) -> np.ndarray:
    """(A, I, D) index of the rate with the best mean validation accuracy over seeds; from (A, I, D, L, S).

    A seed that diverged scores 0: a rate that blows up some runs is not a good rate. Ties go to the
    smaller rate (the first).
    """
    import numpy as np

    return np.nan_to_num(validation_acc, nan=0.0).mean(axis=-1).argmax(axis=-1)


def at_rate(array: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """``array`` (A, I, D, L, ...) at each configuration's chosen rate: (A, I, D, ...)."""
    import numpy as np

    index = chosen.reshape(chosen.shape + (1,) * (array.ndim - chosen.ndim))
    return np.take_along_axis(array, index, axis=3).squeeze(axis=3)
