"""Each training demo on tiny settings: result shapes, recorded divergence, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from generator.demos.kinds.cnn_digits import CnnDigitsParams, matching_dense_width
from generator.demos.kinds.cnn_digits import run as run_cnn
from generator.demos.kinds.depth_sweep import DepthSweepParams
from generator.demos.kinds.depth_sweep import run as run_sweep
from generator.demos.kinds.exploding_gradients import ExplodingParams
from generator.demos.kinds.exploding_gradients import run as run_exploding
from generator.demos.registry import RunContext

CPU = RunContext(device="cpu", seed=0)


@pytest.fixture(scope="module")
def sweep():
    params = DepthSweepParams(activations=["sigmoid", "relu"], inits=["default", "he"], depths=[1, 3], seeds=[0, 1],
                              width=16, epochs=2)
    return run_sweep(params, CPU)


def test_sweep_arrays_are_indexed_activation_init_depth_seed(sweep):
    assert sweep.arrays["test_acc"].shape == (2, 2, 2, 2)
    assert sweep.arrays["loss_curve"].shape == (2, 2, 2, 2, 2)
    # gradient norms: epochs measured (0, 1, 2) x layers of the deepest net (3 hidden + output), NaN-padded
    assert sweep.arrays["grad_norms"].shape == (2, 2, 2, 2, 3, 4)
    assert np.isnan(sweep.arrays["grad_norms"][:, :, 0, :, :, 2:]).all()
    assert np.isfinite(sweep.arrays["grad_norms"][:, :, 1]).all()


def test_sweep_values_are_keyed_for_slide_text(sweep):
    values = sweep.values
    assert set(values["test_acc"]) == {"sigmoid", "relu"}
    assert set(values["test_acc"]["relu"]["he"]) == {"1", "3"}
    assert 0 <= values["test_acc"]["relu"]["he"]["3"] <= 1
    assert values["grad_shrink"]["sigmoid"]["default"]["3"] > 1
    assert values["focus_depth"] == 3 and values["networks"] == 16


def test_sweep_parameters_are_checked():
    with pytest.raises(ValueError, match="focus_depth 5 is not one of depths"):
        DepthSweepParams(depths=[1, 2], focus_depth=5)
    with pytest.raises(ValueError, match="grad_norm_epochs must lie between 0 and epochs"):
        DepthSweepParams(epochs=3, grad_norm_epochs=[0, 4])
    assert DepthSweepParams(depths=[8, 2, 2]).depths == [2, 8]


def test_exploding_records_growth_and_divergence_as_data():
    result = run_exploding(ExplodingParams(scales=[1.0, 3.0], depth=6, width=16, epochs=2, lr=0.5), CPU)
    values = result.values
    assert values["scales"] == ["1", "3"]
    assert values["growth"]["3"] > 100 * values["growth"]["1"]
    assert values["diverged"]["3"] == 1 and values["test_acc"]["3"] is None
    assert result.arrays["diverged_epoch"][1, 0] >= 1


def test_cnn_and_dense_have_matching_parameter_counts():
    result = run_cnn(CnnDigitsParams(epochs=1, seeds=[0]), CPU)
    values = result.values
    assert values["cnn_params"] == 6090
    assert abs(values["dense_params"] - values["cnn_params"]) < 80
    assert values["dense_hidden"] == matching_dense_width(6090, 64, 10) == 81
    assert result.arrays["confusion"].sum() == values["test_images"] == 450
    assert result.arrays["filters"].shape == (16, 3, 3)
    assert result.arrays["feature_maps"].shape == (16, 8, 8)


def test_cnn_training_is_repeatable_bit_for_bit():
    from generator.demos.execution import seed_everything

    runs = []
    for _ in range(2):
        seed_everything(0, deterministic=True)
        runs.append(run_cnn(CnnDigitsParams(epochs=1, seeds=[0]), CPU))
    for name in ("cnn_loss", "dense_loss", "filters", "confusion"):
        np.testing.assert_array_equal(runs[0].arrays[name], runs[1].arrays[name])
