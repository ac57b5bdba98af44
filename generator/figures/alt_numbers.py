"""Numbers as alt text says them.

Alt text is read aloud by screen readers, which spell "2.9e+02" letter by
letter. Ratios and tiny bounds are therefore written the way a person would
say them: "290", "52,000", "66 million", and only past the trillions, or below
a hundredth, as a power of ten ("8.7 × 10^-19").
"""

from __future__ import annotations

import math

LARGE_WORDS = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def _two_figures(value: float) -> float:
    """``value`` rounded to two significant figures."""
    return float(f"{value:.2g}")


def _plain(value: float) -> str:
    rounded = _two_figures(value)
    return f"{rounded:,.0f}" if rounded >= 10 else f"{rounded:g}"


def _power_of_ten(value: float) -> str:
    exponent = math.floor(math.log10(value))
    mantissa = value / 10**exponent
    if round(mantissa, 1) >= 10:  # 9.96e-19 is said as 1 × 10^-18, not 10.0 × 10^-19
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.1f} × 10^{exponent}"


def spoken(value: float) -> str:
    """A positive number as alt text says it: '1.5', '290', '52,000', '66 million', '4.3 × 10^19', '8.7 × 10^-19'."""
    if not math.isfinite(value) or value <= 0:
        return f"{value:g}"
    rounded = _two_figures(value)  # decided on the rounded number: 999,999 is said as "1 million"
    if rounded < 0.01:
        return _power_of_ten(value)
    if rounded < 1e6:
        return _plain(value)
    for size, word in LARGE_WORDS:
        if rounded >= size and rounded / size < 1000:
            return f"{_plain(value / size)} {word}"
    return _power_of_ten(value)


def loss_path(series) -> str:
    """Where a loss curve starts and ends, for alt text: 'from 2.30 to 0.41', or 'to 2.18 in its one epoch'."""
    if len(series) == 1:
        return f"to {series[-1]:.2f} in its one epoch"
    return f"from {series[0]:.2f} to {series[-1]:.2f}"


def over_seeds(seeds: int, mean: str = "mean") -> str:
    """How an alt text says what a line over several seeds is: "mean over 3 seeds, with a shaded band ..."."""
    if seeds == 1:
        return "one seed"
    return f"{mean} over {seeds} seeds, with a shaded band from the lowest to the highest seed"
