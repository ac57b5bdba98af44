"""Datasets the demos train on.

The default is scikit-learn's handwritten digits (1,797 images of 8x8 pixels,
from the UCI "Optical Recognition of Handwritten Digits" set by Alpaydin and
Kaynak): it ships inside scikit-learn, so nothing is downloaded, and it is
small enough to train dozens of networks on a laptop CPU in seconds.

The split is stratified and seeded, so every demo and every run sees the same
train and test images; pixels are scaled to [0, 1] (the raw values are 0..16).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

DIGITS_PIXEL_MAX = 16.0


@dataclass(frozen=True)
class Split:
    """Images as float32 arrays of shape (n, 1, side, side); labels as int64."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    classes: int
    name: str

    @property
    def side(self) -> int:
        return self.train_images.shape[-1]

    def flat(self, images: np.ndarray) -> np.ndarray:
        return images.reshape(len(images), -1)


@lru_cache(maxsize=4)
def digits(test_fraction: float = 0.25, split_seed: int = 0) -> Split:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    images = (bunch.images / DIGITS_PIXEL_MAX).astype(np.float32)[:, None, :, :]
    labels = bunch.target.astype(np.int64)
    train_x, test_x, train_y, test_y = train_test_split(
        images, labels, test_size=test_fraction, random_state=split_seed, stratify=labels
    )
    return Split(train_x, train_y, test_x, test_y, classes=10, name="digits")


def mnist(root: str) -> Split:
    """MNIST (28x28) through torchvision, for the GPU profile; a clear error when it cannot be had."""
    try:
        from torchvision import datasets
    except Exception as error:  # noqa: BLE001 - ImportError or a torch/torchvision mismatch
        raise RuntimeError(
            "MNIST needs torchvision (pip install torchvision matching your torch); "
            f"it could not be imported: {error}. Use dataset: digits instead."
        ) from error
    try:
        train = datasets.MNIST(root, train=True, download=True)
        test = datasets.MNIST(root, train=False, download=True)
    except Exception as error:  # noqa: BLE001 - offline, proxy, disk: all mean "not available"
        raise RuntimeError(
            f"MNIST could not be downloaded to {root} ({type(error).__name__}: {error}). "
            "Run once with network access, or use dataset: digits."
        ) from error

    def arrays(part):
        images = part.data.numpy().astype(np.float32)[:, None, :, :] / 255.0
        return images, part.targets.numpy().astype(np.int64)

    train_x, train_y = arrays(train)
    test_x, test_y = arrays(test)
    return Split(train_x, train_y, test_x, test_y, classes=10, name="mnist")


def load(name: str, cache_root: str = "") -> Split:
    if name == "digits":
        return digits()
    if name == "mnist":
        return mnist(cache_root)
    raise ValueError(f"unknown dataset {name!r}")
