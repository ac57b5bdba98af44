"""The CNN demo's seeds trained as one stacked model against the plain loop it replaces."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from generator.demos.kinds.cnn_digits import build_cnn, build_dense
from generator.demos.data import digits
from generator.demos.stacked_modules import StackedModules, TrainBudget, train_one, train_stacked

SEEDS = [3, 4, 5]
BUDGET = TrainBudget(epochs=2, batch_size=32, lr=0.003)


@pytest.fixture(scope="module")
def data():
    split = digits()
    return tuple(torch.from_numpy(array) for array in
                 (split.train_images, split.train_labels, split.test_images, split.test_labels))


def copies(build) -> list[torch.nn.Module]:
    modules = []
    for seed in SEEDS:
        torch.manual_seed(seed)
        modules.append(build())
    return modules


@pytest.mark.parametrize("build", [lambda: build_cnn((16, 32), 8, 10), lambda: build_dense(64, 81, 10)],
                         ids=["cnn", "dense"])
def test_stacked_training_follows_each_module_trained_alone(data, build):
    modules = copies(build)
    alone = [train_one(copy.deepcopy(module), seed, BUDGET, data) for module, seed in zip(modules, SEEDS)]
    model, losses, accuracies = train_stacked(modules, SEEDS, BUDGET, data)
    for index, (loss, accuracy) in enumerate(alone):
        np.testing.assert_allclose(losses[index], loss, rtol=1e-4)
        np.testing.assert_allclose(accuracies[index], accuracy, atol=2 / 450 + 1e-6)
    # The members really differ (own weights, own batches), so agreement is not trivial.
    assert len({round(float(loss), 6) for loss in losses[:, -1]}) == len(SEEDS)


def test_a_member_taken_out_predicts_like_the_stack(data):
    modules = copies(lambda: build_cnn((16, 32), 8, 10))
    model, _, _ = train_stacked(modules, SEEDS, TrainBudget(epochs=1, batch_size=64, lr=0.003), data)
    test_x = data[2]
    for index in range(len(SEEDS)):
        member = model.member(index, build_cnn((16, 32), 8, 10))
        with torch.no_grad():
            alone = member(test_x).argmax(dim=1)
        assert torch.equal(alone, model.predict(test_x)[index])


def test_prediction_in_chunks_equals_prediction_at_once(data, monkeypatch):
    from generator.demos import stacked_modules

    model = StackedModules(copies(lambda: build_cnn((16, 32), 8, 10)))
    whole = model.predict(data[2])
    monkeypatch.setattr(stacked_modules, "EVAL_CHUNK", 7)  # 450 test images: 64 full chunks and a short one
    assert torch.equal(model.predict(data[2]), whole)
