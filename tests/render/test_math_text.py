"""TeX math read aloud in Unicode, for PowerPoint text."""

from __future__ import annotations

import pytest

from generator.render.math_text import tex_to_unicode


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\sigma'(x) = \sigma(x)(1-\sigma(x)) \le 1/4", "σ'(x) = σ(x)(1−σ(x)) ≤ 1/4"),
        (r"\sigma(x) = 1/(1+e^{-x})", "σ(x) = 1/(1+e⁻ˣ)"),
        (r"h_k = f(w_k h_{k-1})", "hₖ = f(wₖ hₖ₋₁)"),
        (r"\frac{\partial h_n}{\partial h_0} = \prod_{k=1}^{n} w_k", "∂hₙ/∂h₀ = ∏ₖ₌₁ⁿ wₖ"),
        (r"\mathrm{ReLU}(x) = \max(0, x)", "ReLU(x) = max(0, x)"),
        (r"0.25^{10}", "0.25¹⁰"),
        # No Unicode subscript for every letter: the group stays readable, not mangled.
        (r"y_{c,i,j}", "y_c,i,j"),
    ],
)
def test_tex_to_unicode(tex, text):
    assert tex_to_unicode(tex) == text
