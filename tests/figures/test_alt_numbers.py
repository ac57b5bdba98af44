"""Numbers in alt text are written the way a screen reader should say them."""

from __future__ import annotations

import numpy as np
import pytest

from generator.figures.alt_numbers import loss_path, spoken
from generator.figures.depth_sweep import AccuracyVsDepthDisplay
from generator.figures.exploding_gradients import ScaledGradientNormsDisplay


@pytest.mark.parametrize(("value", "words"), [
    (1.51, "1.5"), (0.25, "0.25"), (290.3, "290"), (51_900, "52,000"), (999_999, "1 million"),
    (6.61e7, "66 million"), (4.3e9, "4.3 billion"), (7.1e12, "7.1 trillion"), (1.2e19, "1.2 × 10^19"),
    (8.7e-19, "8.7 × 10^-19"), (9.96e-19, "1.0 × 10^-18"),
])
def test_numbers_are_said_in_words_or_as_a_power_of_ten_never_in_e_notation(value, words):
    assert spoken(value) == words


def test_a_one_epoch_loss_is_not_said_to_go_from_a_value_to_itself():
    assert loss_path(np.array([2.3, 0.41])) == "from 2.30 to 0.41"
    assert loss_path(np.array([2.18])) == "to 2.18 in its one epoch"


def test_exploding_gradients_alt_text_lists_each_scale_with_its_factor():
    layers = np.arange(17)
    norms = np.stack([0.5 ** (16 - layers), 2.0 ** (16 - layers)])  # input layer first
    text = ScaledGradientNormsDisplay(np.array([0.5, 2.0]), norms, norms, norms, depth=16, seeds=2).alt_text()
    assert "geometric mean over 2 seeds, with a shaded band from the lowest to the highest seed" in text
    assert text.endswith("from the output back to the input layer, the gradient shrinks 66,000-fold at 0.5x "
                         "and grows 66,000-fold at 2x.")


def test_a_network_at_chance_at_every_depth_is_said_to_be_so():
    mean = np.array([[[0.1, 0.1]], [[0.95, 0.93]]])  # (activations, inits, depths)
    display = AccuracyVsDepthDisplay([8, 16], ["sigmoid", "relu"], ["default"], mean, mean, mean, mean, mean,
                                     rates=[0.01, 0.1], seeds=3, chance=0.1)
    text = display.alt_text()
    assert "sigmoid (default init) is near chance at every depth" in text
    assert "ReLU (default init) stays at or above 93% up to depth 16" in text
    assert "mean over 3 seeds" in text
    assert "the learning rate, of 0.01, 0.1, that scored best on held-out validation images" in text
