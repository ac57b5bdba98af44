"""Small pieces of English that messages, progress lines and lecture text share."""

from __future__ import annotations

import difflib
import numbers


def count(value: float, noun: str, plural: str | None = None) -> str:
    """A whole number with its noun, in the singular or the plural: 3 → 3 seeds and 1 → 1 seed with
    ``count('seed')``; an irregular plural is given: ``count('child', 'children')``.

    A profile that runs one seed or one epoch would otherwise print "1 seeds".
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"count needs a number, got {type(value).__name__} ({value!r})")
    if not float(value).is_integer():
        # Rounding 2.5 epochs to "2 epochs" would print a count that is not the value.
        raise ValueError(f"count needs a whole number, got {value!r}; round it first: `| round | count(...)`")
    for word in (noun, plural):
        if word is not None and (not isinstance(word, str) or not word.strip()):
            raise ValueError(f"count needs words for what is counted, e.g. count('seed'), got {word!r}")
    number = int(value)
    word = noun if number == 1 else (plural if plural is not None else f"{noun}s")
    return f"{number:,} {word}"


def did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""
