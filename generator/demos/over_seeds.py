"""Summaries over seeds, for results and for figures, quiet about the gaps that divergence leaves.

A diverged run is NaN from its divergence on, and a gradient can underflow to zero or overflow; those
seeds are left out of a summary instead of poisoning it, and a summary of no seeds at all is None
(a result's ``Optional``) or NaN (a figure's gap). numpy's nan-functions would warn when every seed
is NaN at a point, which here is an expected outcome, not a bug.

Ratios of gradient norms span many decades, so they are summarised in log space: the geometric mean,
and the lowest and highest seed.
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


def positive_extreme(values: np.ndarray, axis: int, largest: bool) -> np.ndarray:
    """The lowest (or highest) value above zero: a band's edge on a log scale, where zero cannot be drawn."""
    return nan_extreme(np.where(values > 0, values, np.nan), axis=axis, largest=largest)


def mean_of(values) -> float | None:
    """The mean over the seeds that gave a number; None if none did."""
    finite = _finite(values)
    return float(finite.mean()) if finite.size else None


def range_of(values) -> dict | None:
    """``{"low": lowest, "high": highest}`` over the seeds that gave a number (a ``SeedRange``); None if none did."""
    finite = _finite(values)
    return {"low": float(finite.min()), "high": float(finite.max())} if finite.size else None


def geometric_mean_of(values) -> float | None:
    """The geometric mean over the seeds that gave a positive number; None if none did."""
    positive = _positive(values)
    return float(np.exp(np.log(positive).mean())) if positive.size else None


def positive_range_of(values) -> dict | None:
    """``range_of`` over the seeds that gave a positive number: the spread of a ratio beside its geometric mean."""
    positive = _positive(values)
    return {"low": float(positive.min()), "high": float(positive.max())} if positive.size else None


def _finite(values) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def _positive(values) -> np.ndarray:
    finite = _finite(values)
    return finite[finite > 0]
