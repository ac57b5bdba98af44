"""A code listing's Pygments tokens, remembered between runs, for the PowerPoint and HTML renderers alike.

Pygments compiles a lexer's hundred-odd regular expressions the first time the lexer is made, which is
a good part of a warm build's time for one Python listing. The tokens of a listing (its text cut into
token types and values) are remembered in the memo (generator/memo.py) by this Pygments and this code;
the renderers colour them as before. A remembered token type must be one of Pygments' standard types
(its name becomes an HTML class), so a damaged memo can only make the listing be lexed again.
"""

from __future__ import annotations

from functools import lru_cache

from generator import memo


def known_language(name: str) -> bool:
    """Whether Pygments has a lexer of that name (finding its class compiles nothing)."""
    from pygments.lexers import find_lexer_class_by_name
    from pygments.util import ClassNotFound

    try:
        find_lexer_class_by_name(name)
        return True
    except ClassNotFound:
        return False


def lexed(source: str, language: str) -> list[tuple] | None:
    """Pygments' tokens of ``source`` in ``language`` (its lexer made with stripnl=False); None for a language
    Pygments does not know."""
    stored = memo.get("code-tokens", _version(), memo.digest(source, language))
    if stored is not None:
        tokens = _read(stored)
        if tokens is not None:
            return tokens
    tokens = _lex(source, language)
    if tokens is not None:
        import json

        memo.put("code-tokens", _version(), memo.digest(source, language),
                 json.dumps([[str(kind), value] for kind, value in tokens]).encode())
    return tokens


def _lex(source: str, language: str) -> list[tuple] | None:
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        lexer = get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return None
    return list(lexer.get_tokens(source))


def _read(stored: bytes) -> list[tuple] | None:
    import json

    from pygments.token import STANDARD_TYPES, string_to_tokentype

    try:
        tokens = [(string_to_tokentype(kind), value) for kind, value in json.loads(stored)]
    except (ValueError, TypeError):
        return None
    if not all(kind in STANDARD_TYPES and isinstance(value, str) for kind, value in tokens):
        return None
    return tokens


@lru_cache(maxsize=1)
def _version() -> str:
    import pygments

    return memo.digest(pygments.__version__, memo.source_digest(__file__))
