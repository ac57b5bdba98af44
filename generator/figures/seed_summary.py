"""Summaries over seeds for figures, quiet about the gaps that divergence leaves.

A diverged run is NaN from its divergence on; numpy's nan-functions warn when
every seed is NaN at a point, which here is an expected outcome, not a bug.
"""

from __future__ import annotations

import numpy as np


def nan_mean(values: np.ndarray, axis: int) -> np.ndarray:
    finite = np.isfinite(values)
    count = finite.sum(axis=axis)
    total = np.where(finite, values, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def nan_extreme(values: np.ndarray, axis: int, largest: bool) -> np.ndarray:
    finite = np.isfinite(values)
    filled = np.where(finite, values, -np.inf if largest else np.inf)
    result = filled.max(axis=axis) if largest else filled.min(axis=axis)
    return np.where(finite.any(axis=axis), result, np.nan)


def geometric_mean(values: np.ndarray, axis: int) -> np.ndarray:
    """Mean in log space: the right average for norms spanning many decades (zeros ignored)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(values > 0, values, np.nan))
    return np.exp(nan_mean(logs, axis=axis))
