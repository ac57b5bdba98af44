"""Training steps recorded as CUDA graphs train exactly like eager ones.

The decision tests run anywhere; the rest need a CUDA GPU and run on the lent
GPU machine (bench/gpu_check.sh runs this file there first).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

from generator.demos.kinds.cnn_digits import build_cnn
from generator.demos.cuda_graphs import ENVIRONMENT_SWITCH, WARMUP_STEPS, TrainingStep, graphs_wanted
from generator.demos.data import digits
from generator.demos.ensemble import Member, TrainConfig, train_ensemble
from generator.demos.execution import seed_everything
from generator.demos.stacked_modules import TrainBudget, train_stacked
from tests.conftest import REPO

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU (run on the lent GPU machine)")


def test_graphs_are_used_on_cuda_by_default_and_never_on_the_cpu(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_SWITCH, raising=False)
    assert graphs_wanted(torch.device("cuda")) is True
    assert graphs_wanted(torch.device("cpu")) is False
    assert graphs_wanted(torch.device("cuda"), requested=False) is False


@pytest.mark.parametrize("value", ["0", "false", "Off", " no "])
def test_the_environment_switch_turns_graphs_off(monkeypatch, value):
    monkeypatch.setenv(ENVIRONMENT_SWITCH, value)
    assert graphs_wanted(torch.device("cuda")) is False


def test_asking_for_graphs_on_the_cpu_is_an_error():
    with pytest.raises(ValueError, match="CUDA graphs need a CUDA device, not 'cpu'"):
        graphs_wanted(torch.device("cpu"), requested=True)
    split = digits()
    data = (torch.from_numpy(split.flat(split.train_images)), torch.from_numpy(split.train_labels),
            torch.from_numpy(split.flat(split.test_images)), torch.from_numpy(split.test_labels))
    config = TrainConfig(depth=1, width=8, epochs=1, batch_size=64, lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="CUDA graphs need a CUDA device"):
        train_ensemble([Member("relu", "he", 0)], config, *data, cuda_graphs=True)


@pytest.fixture(scope="module")
def cuda_data():
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU")
    # As in a build: deterministic kernels, so eager and graphed runs differ only by what recording changes.
    was_deterministic = torch.are_deterministic_algorithms_enabled()
    seed_everything(0, deterministic=True)
    yield _digits_on_cuda()
    torch.use_deterministic_algorithms(was_deterministic)


def _digits_on_cuda():
    split = digits()
    flat = tuple(torch.from_numpy(a).cuda() for a in
                 (split.flat(split.train_images), split.train_labels, split.flat(split.test_images), split.test_labels))
    images = tuple(torch.from_numpy(a).cuda() for a in
                   (split.train_images, split.train_labels, split.test_images, split.test_labels))
    return flat, images


@needs_cuda
def test_a_recorded_step_reruns_its_kernels_without_running_python():
    counted = torch.zeros((), device="cuda")
    python_calls = []

    def step(batch):
        python_calls.append(1)
        counted.add_(batch.sum())

    training = TrainingStep(step, graphed=True)
    for value in range(10):
        training(torch.full((4,), float(value), device="cuda"))
    torch.cuda.synchronize()
    assert counted.item() == 4 * sum(range(10))  # every call trained on its own batch
    assert len(python_calls) == WARMUP_STEPS + 1  # warm-up steps and the recording; the rest were replays


@needs_cuda
def test_graphed_ensemble_follows_the_eager_one(cuda_data):
    flat, _ = cuda_data
    members = [Member("sigmoid", "default", 0), Member("tanh", "xavier", 1), Member("relu", "he", 2)]
    config = TrainConfig(depth=4, width=32, epochs=3, batch_size=32, lr=0.05, momentum=0.9, grad_norm_epochs=(0, 3))
    eager = train_ensemble(members, config, *flat, cuda_graphs=False)
    graphed = train_ensemble(members, config, *flat, cuda_graphs=True)
    np.testing.assert_allclose(graphed.train_loss, eager.train_loss, rtol=1e-5)
    np.testing.assert_allclose(graphed.test_accuracy, eager.test_accuracy, atol=1 / 450 + 1e-6)
    np.testing.assert_allclose(graphed.grad_norms, eager.grad_norms, rtol=1e-4)


@needs_cuda
def test_graphed_ensemble_retires_a_diverging_member_as_the_eager_one_does(cuda_data):
    # The recorded step always holds the freeze of retired members; eager steps add it once one diverges.
    # (That a neighbour's divergence leaves a member alone is tested on the CPU, in test_ensemble.py: on
    # CUDA, two members and one take different matrix kernels, and this high learning rate is chaotic.)
    flat, _ = cuda_data
    config = TrainConfig(depth=6, width=24, epochs=4, batch_size=32, lr=0.5, momentum=0.9)
    members = [Member("tanh", "xavier", 0), Member("relu", "he", 1, weight_scale=4.0)]
    graphed = train_ensemble(members, config, *flat, cuda_graphs=True)
    eager = train_ensemble(members, config, *flat, cuda_graphs=False)
    assert graphed.diverged_epoch[1] >= 1 and np.isnan(graphed.final_test_accuracy[1])
    assert graphed.diverged_epoch[0] == -1
    np.testing.assert_array_equal(graphed.diverged_epoch, eager.diverged_epoch)
    np.testing.assert_allclose(graphed.train_loss, eager.train_loss, rtol=1e-5)  # NaN where both retired


@needs_cuda
def test_graphed_stacked_cnns_follow_the_eager_ones(cuda_data):
    _, images = cuda_data
    budget = TrainBudget(epochs=2, batch_size=32, lr=0.003)

    def networks():
        built = []
        for seed in (0, 1):
            torch.manual_seed(seed)
            built.append(build_cnn((4, 8), 8, 10).cuda())
        return built

    _, eager_loss, eager_acc = train_stacked(networks(), [0, 1], budget, images, cuda_graphs=False)
    _, graphed_loss, graphed_acc = train_stacked(networks(), [0, 1], budget, images, cuda_graphs=True)
    np.testing.assert_allclose(graphed_loss, eager_loss, rtol=1e-4)
    np.testing.assert_allclose(graphed_acc, eager_acc, atol=2 / 450 + 1e-6)


@needs_cuda
def test_a_step_that_cannot_be_recorded_says_how_to_train_without_graphs():
    # In its own process: a failed recording may leave the CUDA context unusable for later tests.
    script = textwrap.dedent("""
        import torch
        from generator.demos.cuda_graphs import TrainingStep
        # Reading a value back to the host is not allowed while a step is being recorded.
        training = TrainingStep(lambda batch: batch.sum().item(), graphed=True)
        for _ in range(5):
            training(torch.ones(4, device="cuda"))
    """)
    finished = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO)
    assert finished.returncode != 0
    assert "recording the training step as a CUDA graph failed (" in finished.stderr
    assert "set LECTUREGEN_CUDA_GRAPHS=0 to train without CUDA graphs" in finished.stderr
