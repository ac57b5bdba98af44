"""The activations demo computes the numbers the lecture quotes."""

from __future__ import annotations

import numpy as np
import pytest

from generator.demos.kinds.activations import ActivationsParams, run
from generator.demos.registry import RunContext, demo_kinds


@pytest.fixture(scope="module")
def result():
    return run(ActivationsParams(), RunContext(device="cpu", seed=0))


def test_sigmoid_derivative_peaks_at_one_quarter_at_zero(result):
    assert result.values["max_derivative"]["sigmoid"] == pytest.approx(0.25, abs=1e-12)
    assert result.values["argmax_derivative"]["sigmoid"] == pytest.approx(0.0, abs=1e-9)
    assert result.values["derivative_at_zero"]["tanh"] == pytest.approx(1.0)


def test_autograd_matches_the_closed_form_derivatives(result):
    x = result.arrays["x"]
    sigmoid = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(result.arrays["df_sigmoid"], sigmoid * (1 - sigmoid), atol=1e-12)
    np.testing.assert_allclose(result.arrays["df_tanh"], 1 - np.tanh(x) ** 2, atol=1e-12)
    np.testing.assert_array_equal(result.arrays["df_relu"], (x > 0).astype(float))


def test_chain_bound_is_the_max_derivative_to_the_power_of_depth(result):
    depth = result.arrays["depth"]
    assert depth[0] == 1 and depth[-1] == 30
    np.testing.assert_allclose(result.arrays["chain_sigmoid"], 0.25**depth)
    np.testing.assert_allclose(result.arrays["chain_relu"], np.ones_like(depth, dtype=float))


def test_saturation_fractions_reflect_the_flat_tails(result):
    saturated = result.values["saturated_fraction"]
    # ReLU is flat on exactly the negative half; the sigmoid's tails are wider than tanh's are narrow.
    assert saturated["relu"] == pytest.approx(0.5, abs=0.01)
    assert 0.3 < saturated["sigmoid"] < 0.7


def test_parameters_are_validated():
    with pytest.raises(ValueError, match="x_min must be smaller than x_max"):
        ActivationsParams(x_min=2, x_max=1)
    with pytest.raises(ValueError):
        ActivationsParams(functions=["softplus"])


def test_registered_with_its_figures():
    kind = demo_kinds()["activations"]
    assert kind.figure_names == ("functions", "derivatives", "chain_bound")
    assert len(kind.code_hash()) == 64
