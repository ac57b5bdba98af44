"""The lecture's claims, checked on the default lecture's own demos and default profile, on the CPU
and (where there is one) on a CUDA GPU.

If one of these fails after a change, the lecture says something the
experiments no longer show: fix the change or the lecture, not this test.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from generator.content.loader import load_lecture
from generator.demos.execution import plan_jobs, run_job
from generator.demos.registry import SilentProgress
from tests.conftest import DEFAULT_LECTURE


@pytest.fixture(scope="module", params=["cpu", "cuda"])
def results(request):
    # On CUDA the demos train with other kernels (and recorded CUDA graphs): the claims must hold there too.
    if request.param == "cuda" and not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU (run on the lent GPU machine by bench/gpu_check.sh)")
    jobs = plan_jobs(load_lecture(DEFAULT_LECTURE).lecture, "default")
    return {job.kind.name: run_job(job, request.param, SilentProgress())[0]
            for job in jobs if job.kind.name != "activations"}


def _index(values, name):
    return list(values).index(name)


@pytest.mark.slow
def test_sigmoid_with_default_init_vanishes_from_depth_8(results):
    sweep = results["depth_sweep"]
    values = sweep.values
    a, i = _index(values["activations"], "sigmoid"), _index(values["inits"], "default")
    for d, depth in enumerate(values["depths"]):
        if depth < 8:
            continue
        norms = sweep.arrays["grad_norms"][a, i, d, :, 0, : depth + 1]  # (seeds, layers) at init
        assert (norms[:, -1] >= 1000 * norms[:, 0]).all(), f"depth {depth}"
        assert np.nanmean(sweep.arrays["test_acc"][a, i, d]) <= 0.20, f"depth {depth}"


@pytest.mark.slow
def test_relu_with_he_init_trains_at_depth_16(results):
    sweep = results["depth_sweep"]
    values = sweep.values
    a, i, d = _index(values["activations"], "relu"), _index(values["inits"], "he"), _index(values["depths"], 16)
    assert np.nanmean(sweep.arrays["test_acc"][a, i, d]) >= 0.90
    norms = sweep.arrays["grad_norms"][a, i, d, :, 0, :17]
    assert (norms.max(axis=1) <= 10 * norms.min(axis=1)).all()


@pytest.mark.slow
def test_largest_weight_scale_explodes_toward_the_input(results):
    exploding = results["exploding_gradients"]
    norms = exploding.arrays["grad_norms"][-1]  # largest scale: (seeds, layers)
    assert (norms[:, 0] >= 10 * norms[:, -1]).all()


@pytest.mark.slow
def test_cnn_beats_a_dense_network_of_the_same_size(results):
    values = results["cnn_digits"].values
    assert values["cnn_test_acc"] >= 0.97
    assert values["cnn_test_acc"] > values["dense_test_acc"]
    assert abs(values["cnn_params"] - values["dense_params"]) <= 0.05 * values["cnn_params"]
