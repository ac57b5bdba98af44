"""The cache's check of a drawn SVG (no scripts, event handlers, foreign objects or outside references) answers as
its regular expression does, only faster: it runs on every cached figure of every build."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cache import _UNSAFE_SVG, drawn_svg_is_plain

PIECES = [b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"on", b"ON", b"On", b"click", b"load", b"=", b"<script",
          b"<SCRIPT", b"<foreignObject", b"<FOREIGNOBJECT", b"href", b"HREF", b"xlink:", b"'", b'"', b"#",
          b"data:image/", b"DATA:IMAGE/", b"data:text/", b"x", b"<", b">", b"-", b"1", b"\xc3\xa9"]


@settings(max_examples=3000)
@given(st.lists(st.sampled_from(PIECES), max_size=16))
def test_the_fast_check_agrees_with_the_expression(pieces):
    svg = b"".join(pieces)
    assert drawn_svg_is_plain(svg) == (_UNSAFE_SVG.search(svg) is None)


def test_what_it_refuses():
    for unsafe in (b'<svg onload="x()">', b"<svg>\n<SCRIPT>", b"<a xlink:href='http://x'>", b'<g\tONCLICK = "y">',
                   b"<foreignObject/>", b'<image href="file:///etc/passwd"/>'):
        assert not drawn_svg_is_plain(unsafe), unsafe
    for safe in (b'<use xlink:href="#m1"/>', b'<image href="data:image/png;base64,AAAA"/>', b'<g id="button">',
                 b"<text>onward=</text>"):
        assert drawn_svg_is_plain(safe), safe
