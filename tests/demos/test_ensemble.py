"""The batched ensemble engine against the plain per-model loop it replaces."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from generator.demos.data import digits
from generator.demos.ensemble import Member, TrainConfig, layer_gradient_norms, StackedMLP, layer_sizes, train_ensemble, train_reference


@pytest.fixture(scope="module")
def data():
    split = digits()
    return (
        torch.from_numpy(split.flat(split.train_images)),
        torch.from_numpy(split.train_labels),
        torch.from_numpy(split.flat(split.test_images)),
        torch.from_numpy(split.test_labels),
    )


CONFIG = TrainConfig(depth=3, width=24, epochs=3, batch_size=32, lr=0.05, momentum=0.9)
MEMBERS = [Member("sigmoid", "default", 0), Member("tanh", "xavier", 1), Member("relu", "he", 2), Member("relu", "default", 3)]


def test_batched_training_follows_the_per_model_reference(data):
    history = train_ensemble(MEMBERS, CONFIG, *data)
    for index, member in enumerate(MEMBERS):
        loss, accuracy = train_reference(member, CONFIG, *data)
        np.testing.assert_allclose(history.train_loss[index], loss, rtol=1e-4)
        np.testing.assert_allclose(history.test_accuracy[index], accuracy, atol=1 / 450 + 1e-6)


def test_training_is_repeatable_bit_for_bit(data):
    first = train_ensemble(MEMBERS, CONFIG, *data)
    second = train_ensemble(MEMBERS, CONFIG, *data)
    np.testing.assert_array_equal(first.train_loss, second.train_loss)
    np.testing.assert_array_equal(first.grad_norms, second.grad_norms)


def test_a_diverging_member_is_recorded_and_leaves_the_others_alone(data):
    config = TrainConfig(depth=6, width=24, epochs=3, batch_size=32, lr=0.5, momentum=0.9)
    calm = Member("tanh", "xavier", 0)
    wild = Member("relu", "he", 1, weight_scale=4.0)
    together = train_ensemble([calm, wild], config, *data)
    alone = train_ensemble([calm], config, *data)
    assert together.diverged_epoch[1] >= 1
    assert np.isnan(together.train_loss[1, -1]) and np.isnan(together.final_test_accuracy[1])
    assert together.diverged_epoch[0] == -1
    np.testing.assert_allclose(together.train_loss[0], alone.train_loss[0], rtol=1e-5)


def test_sigmoid_gradients_vanish_and_he_relu_gradients_do_not(data):
    train_x, train_y, _, _ = data
    members = [Member("sigmoid", "default", 0), Member("relu", "he", 0)]
    model = StackedMLP(members, layer_sizes(64, 64, 8, 10), "cpu")
    norms = layer_gradient_norms(model, train_x[:256], train_y[:256]).numpy()
    assert norms[0, -1] / norms[0, 0] > 1e4  # sigmoid: input-side layer gets far less
    assert norms[1].max() / norms[1].min() < 10  # ReLU + He: all layers alike


def test_scaled_weights_make_the_backpropagated_signal_grow_geometrically(data):
    train_x, train_y, _, _ = data
    members = [Member("relu", "he", 0, weight_scale=scale) for scale in (0.5, 1.0, 2.0)]
    model = StackedMLP(members, layer_sizes(64, 64, 10, 10), "cpu")
    norms = layer_gradient_norms(model, train_x[:256], train_y[:256], wrt="activations").numpy()
    growth = norms[:, 0] / norms[:, -1]
    assert growth[0] < 1e-2 and 0.2 < growth[1] < 5 and growth[2] > 1e2


def test_members_at_their_own_learning_rates_each_follow_the_reference_at_that_rate(data):
    members = [Member("tanh", "xavier", 1, lr=rate) for rate in (0.005, 0.02, 0.08)]
    history = train_ensemble(members, CONFIG, *data)
    for index, member in enumerate(members):
        loss, _ = train_reference(member, CONFIG, *data)
        np.testing.assert_allclose(history.train_loss[index], loss, rtol=1e-4)
    # The rates do differ in effect: a larger step got further in three epochs.
    assert history.train_loss[0, -1] > history.train_loss[2, -1]


def test_validation_images_are_scored_after_the_last_epoch(data):
    train_x, train_y, test_x, test_y = data
    validation = (train_x[:300], train_y[:300])
    history = train_ensemble(MEMBERS, CONFIG, *data, validation=validation)
    assert np.all((history.final_validation_accuracy >= 0) & (history.final_validation_accuracy <= 1))
    # Scoring the test images as "validation" gives exactly the final test accuracy: the same model, scored once.
    again = train_ensemble(MEMBERS, CONFIG, *data, validation=(test_x, test_y))
    np.testing.assert_array_equal(again.final_validation_accuracy, again.final_test_accuracy)
    assert np.isnan(train_ensemble(MEMBERS, CONFIG, *data).final_validation_accuracy).all()
