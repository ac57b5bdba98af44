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
from generator.demos.rate_grid import at_rate, choose_rates
from generator.demos.registry import RunContext

CPU = RunContext(device="cpu", seed=0)


@pytest.fixture(scope="module")
def sweep():
    params = DepthSweepParams(activations=["sigmoid", "relu"], inits=["default", "he"], depths=[1, 3], seeds=[0, 1],
                              width=16, epochs=2, lrs=[0.05, 0.5])
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
    assert values["focus_depth"] == 3 and values["networks"] == 32


def test_each_network_is_reported_at_the_rate_its_validation_images_chose(sweep):
    values, arrays = sweep.values, sweep.arrays
    assert arrays["test_acc_by_lr"].shape == (2, 2, 2, 2, 2)  # activation, init, depth, rate, seed
    for a, activation in enumerate(values["activations"]):
        for i, init in enumerate(values["inits"]):
            for d, depth in enumerate(map(str, values["depths"])):
                chosen = values["chosen_lr"][activation][init][depth]
                assert chosen in values["lrs"]
                assert values["test_acc"][activation][init][depth] == values["test_acc_by_lr"][activation][init][depth][f"{chosen:g}"]
                scores = np.nan_to_num(arrays["validation_acc_by_lr"][a, i, d]).mean(axis=1)
                assert chosen == values["lrs"][int(scores.argmax())]
                low, high = (values["test_acc_range"][activation][init][depth][end] for end in ("low", "high"))
                assert low <= values["test_acc"][activation][init][depth] <= high
    assert values["train_images"] + values["validation_images"] == 1347  # the digits' training images


def test_the_rate_is_chosen_on_validation_accuracy_and_a_diverged_seed_scores_zero():
    validation = np.array([[0.9, 0.9], [0.95, np.nan], [0.5, 0.6]])[None, None, None]  # one config: 3 rates x 2 seeds
    assert choose_rates(validation).item() == 0  # rate 1's diverged seed drags it to 0.475
    test = np.array([[0.1, 0.1], [0.99, 0.99], [0.2, 0.2]])[None, None, None]
    assert at_rate(test, choose_rates(validation)).tolist() == [[[[0.1, 0.1]]]]  # the test set had no say
    tie = np.array([[0.8], [0.8]])[None, None, None]
    assert choose_rates(tie).item() == 0  # the smaller rate on a tie


def test_sweep_parameters_are_checked():
    with pytest.raises(ValueError, match="focus_depth 5 is not one of depths"):
        DepthSweepParams(depths=[1, 2], focus_depth=5)
    with pytest.raises(ValueError, match="grad_norm_epochs must lie between 0 and epochs"):
        DepthSweepParams(epochs=3, grad_norm_epochs=[0, 4])
    assert DepthSweepParams(depths=[8, 2, 2]).depths == [2, 8]
    assert DepthSweepParams(lrs=[0.3, 0.01, 0.3]).lrs == [0.01, 0.3]
    with pytest.raises(ValueError, match="learning rates must be above 0"):
        DepthSweepParams(lrs=[0.0, 0.1])


def test_exploding_records_growth_and_divergence_as_data():
    result = run_exploding(ExplodingParams(scales=[1.0, 3.0], depth=6, width=16, epochs=2, lrs=[0.5], seeds=[0]), CPU)
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
