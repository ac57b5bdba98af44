"""Datasets the demos train on.

The default is scikit-learn's handwritten digits (1,797 images of 8x8 pixels,
from the UCI "Optical Recognition of Handwritten Digits" set by Alpaydin and
Kaynak): it ships inside scikit-learn, so nothing is downloaded, and it is
small enough to train dozens of networks on a laptop CPU in seconds.
The split is stratified and seeded, so every demo and every run sees the same
train and test images; pixels are scaled to [0, 1] (the raw values are 0..16).

``dataset: mnist`` is MNIST (LeCun, Cortes and Burges): 60,000 training and
10,000 test images of 28x28 pixels, in its own split. It is read from the four
IDX files in ``<data dir>/MNIST/raw/``, torchvision's layout, so a folder that
torchvision filled works as it is; each file may be gzipped or unpacked, and
the dotted names some mirrors use (``train-images.idx3-ubyte``) are accepted.
The files are read with numpy and checked (magic number, dimensions, length,
labels), because torchvision cannot always be imported (a CPU build of torch
and a PyPI torchvision do not match) and GPU machines are often offline. Only
when the files are absent is torchvision asked to download them; when that is
impossible too, the error says which files to put in which folder.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy loads where arrays are made: checking content needs none
    import numpy as np

DIGITS_PIXEL_MAX = 16.0
MNIST_PIXEL_MAX = 255.0
DATA_ENV = "LECTUREGEN_DATA_DIR"

# IDX magic numbers: two zero bytes, 0x08 (unsigned bytes), then the number of dimensions (1 or 3).
LABELS_MAGIC = 0x00000801
IMAGES_MAGIC = 0x00000803
LABEL_CLASSES = 10


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


@dataclass(frozen=True)
class HeldOut:
    """A split whose training images are divided once more: ``fit`` to train on, ``validation`` to choose with.

    Hyper-parameters (a learning rate) chosen on the validation images never saw the test images, so
    the test accuracy at the chosen setting is still an honest estimate.
    """

    fit: Split  # the same test images; fewer training images
    validation_images: np.ndarray
    validation_labels: np.ndarray


def hold_out(split: Split, fraction: float, split_seed: int = 0) -> HeldOut:
    """Carve a stratified, seeded ``fraction`` of ``split``'s training images off as a validation set."""
    from sklearn.model_selection import train_test_split

    fit_x, val_x, fit_y, val_y = train_test_split(
        split.train_images, split.train_labels, test_size=fraction, random_state=split_seed,
        stratify=split.train_labels,
    )
    fit = Split(fit_x, fit_y, split.test_images, split.test_labels, classes=split.classes, name=split.name)
    return HeldOut(fit, val_x, val_y)


@lru_cache(maxsize=4)
def digits(test_fraction: float = 0.25, split_seed: int = 0) -> Split:
    import numpy as np
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    images = (bunch.images / DIGITS_PIXEL_MAX).astype(np.float32)[:, None, :, :]
    labels = bunch.target.astype(np.int64)
    train_x, test_x, train_y, test_y = train_test_split(
        images, labels, test_size=test_fraction, random_state=split_seed, stratify=labels
    )
    return Split(train_x, train_y, test_x, test_y, classes=10, name="digits")


def default_data_dir(cache_root: Path) -> Path:
    """Where downloadable datasets live: ``$LECTUREGEN_DATA_DIR``, else ``<cache dir>/data``."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    return cache_root / "data"


@dataclass(frozen=True)
class MnistFile:
    """One of the four files, by its canonical (torchvision) name."""

    name: str  # e.g. "train-images-idx3-ubyte"
    magic: int

    @property
    def candidates(self) -> tuple[str, ...]:
        dotted = self.name.replace("-idx", ".idx")
        return (self.name, f"{self.name}.gz", dotted, f"{dotted}.gz")

    @property
    def what(self) -> str:
        return "images" if self.magic == IMAGES_MAGIC else "labels"


MNIST_FILES = {
    ("train", "images"): MnistFile("train-images-idx3-ubyte", IMAGES_MAGIC),
    ("train", "labels"): MnistFile("train-labels-idx1-ubyte", LABELS_MAGIC),
    ("test", "images"): MnistFile("t10k-images-idx3-ubyte", IMAGES_MAGIC),
    ("test", "labels"): MnistFile("t10k-labels-idx1-ubyte", LABELS_MAGIC),
}
MNIST_NAMES = ", ".join(file.name for file in MNIST_FILES.values())


def mnist_folder(root: str | Path) -> Path:
    return Path(root) / "MNIST" / "raw"


def mnist(root: str | Path) -> Split:
    """MNIST from ``<root>/MNIST/raw/``; downloaded there by torchvision if absent and possible.

    Every problem is a RuntimeError whose message names the file or folder and what to do.
    """
    data_dir = _data_dir(root)
    folder = mnist_folder(data_dir)
    found = find_mnist_files(folder)
    if None in found.values() and None not in find_mnist_files(data_dir).values():
        # Pointing the data folder at the files themselves is an easy slip; say so rather than download.
        above = data_dir.resolve().parent.parent if data_dir.resolve().parts[-2:] == ("MNIST", "raw") else None
        fix = f"use {above}" if above else f"move them into {folder.resolve()}"
        raise RuntimeError(
            f"{data_dir.resolve()} holds the MNIST files itself, but the data folder (--data-dir or ${DATA_ENV}) "
            f"is the one whose MNIST/raw holds them: {fix}"
        )
    if None in found.values():
        download_failure = download_mnist(folder.parent.parent)
        found = find_mnist_files(folder)
        missing = [MNIST_FILES[key].name for key, path in found.items() if path is None]
        if missing:
            which = "" if len(missing) == len(MNIST_FILES) else f" (missing: {', '.join(missing)})"
            raise RuntimeError(
                f"MNIST is not in {folder.resolve()}{which} and {download_failure}. "
                f"Put the four MNIST files there: {MNIST_NAMES} (gzipped as .gz or unpacked, both work), "
                f"or point --data-dir (or ${DATA_ENV}) at a folder whose MNIST/raw holds them. "
                "Or use dataset: digits, or a profile that does not use MNIST."
            )
    paths = tuple(path.resolve() for path in found.values())
    return _read_mnist(*paths, *(_stamp(path) for path in paths))


def find_mnist_files(folder: Path) -> dict[tuple[str, str], Path | None]:
    """The first existing name of each file, or None."""
    found = {}
    for key, file in MNIST_FILES.items():
        found[key] = next((folder / name for name in file.candidates if (folder / name).is_file()), None)
    return found


def download_mnist(root: Path) -> str:
    """Ask torchvision to download MNIST under ``root``; return, in words, why that did not bring the files
    (the caller only asks when they are still missing afterwards)."""
    try:
        from torchvision import datasets
    except Exception as error:  # noqa: BLE001 - ImportError, or RuntimeError when torch and torchvision do not match
        return f"torchvision, which could download it, cannot be imported ({type(error).__name__}: {error})"
    try:
        for train in (True, False):
            datasets.MNIST(str(root), train=train, download=True)
    except Exception as error:  # noqa: BLE001 - offline, a proxy, a full disk: all mean "not downloaded"
        return f"torchvision could not download it ({type(error).__name__}: {error})"
    return "torchvision's download did not leave all four files there"


def fingerprint(name: str, data_dir: str | Path = "") -> str | None:
    """What identifies the data a demo on dataset ``name`` would read, for its cache key.

    The digits ship inside scikit-learn: nothing to add. MNIST is whatever four files the data folder
    holds, and another folder may hold other files in the same layout (Fashion-MNIST is often dropped
    in as MNIST): their bytes are hashed, so a result is reused only for the very files it came from.
    Without the files the fingerprint is "absent", which no stored result has.
    """
    if name != "mnist":
        return None
    found = find_mnist_files(mnist_folder(_data_dir(data_dir)))
    if None in found.values():
        return "absent"
    paths = tuple(path.resolve() for path in found.values())
    return _hash_files(paths, tuple(_stamp(path) for path in paths))


@lru_cache(maxsize=4)
def _hash_files(paths: tuple[Path, ...], stamps: tuple[tuple[int, int], ...]) -> str:
    # Keyed by modification time and size too, so a replaced file is hashed again.
    digest = hashlib.sha256()
    for path in paths:
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _data_dir(root: str | Path) -> Path:
    """The data folder a caller named, else the default one (under the default cache)."""
    if root:
        return Path(root)
    from generator.cache import default_cache_dir

    return default_data_dir(default_cache_dir())


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


@lru_cache(maxsize=2)
def _read_mnist(
    train_images: Path, train_labels: Path, test_images: Path, test_labels: Path, *stamps: tuple[int, int]
) -> Split:
    # The files' modification times and sizes are part of the key, so a replaced file is read again.
    import numpy as np

    train_x = read_idx(train_images, IMAGES_MAGIC)
    train_y = read_idx(train_labels, LABELS_MAGIC)
    test_x = read_idx(test_images, IMAGES_MAGIC)
    test_y = read_idx(test_labels, LABELS_MAGIC)
    check_pair(train_images, train_x, train_labels, train_y)
    check_pair(test_images, test_x, test_labels, test_y)
    if train_x.shape[1:] != test_x.shape[1:]:
        raise RuntimeError(
            f"{train_images} holds images of {train_x.shape[1]} x {train_x.shape[2]} pixels but {test_images} "
            f"holds images of {test_x.shape[1]} x {test_x.shape[2]}; "
            "the training and test images must have one size: use both files of one MNIST download"
        )
    scale = np.float32(1.0 / MNIST_PIXEL_MAX)
    return Split(
        train_images=train_x[:, None, :, :].astype(np.float32) * scale,
        train_labels=train_y.astype(np.int64),
        test_images=test_x[:, None, :, :].astype(np.float32) * scale,
        test_labels=test_y.astype(np.int64),
        classes=LABEL_CLASSES,
        name="mnist",
    )


def read_idx(path: Path, magic: int) -> np.ndarray:
    """An IDX file of unsigned bytes (gzipped if its name ends in .gz) as a uint8 array, checked."""
    import numpy as np

    what = "images" if magic == IMAGES_MAGIC else "labels"
    fix = f"replace it with the MNIST {what} file (gzipped or unpacked) from an intact download"
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise RuntimeError(f"{path}: cannot be read ({reason}); {fix}") from error
    if len(raw) < 4:
        raise RuntimeError(f"{path}: is {len(raw)} bytes long, too short for an IDX file; {fix}")
    found_magic = int.from_bytes(raw[:4], "big")
    if found_magic != magic:
        raise RuntimeError(
            f"{path}: is not an MNIST {what} file: its magic number is {found_magic} (0x{found_magic:08x}), "
            f"expected {magic} (0x{magic:08x}); {fix}"
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise RuntimeError(f"{path}: ends inside its header ({len(raw)} of {header} bytes); {fix}")
    dims = tuple(int(size) for size in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    if what == "images" and (dims[1] != dims[2] or dims[1] == 0):
        raise RuntimeError(f"{path}: holds images of {dims[1]} x {dims[2]} pixels; they must be square; {fix}")
    if dims[0] == 0:
        raise RuntimeError(f"{path}: holds no {what}; {fix}")
    expected = int(np.prod(dims))
    if len(raw) - header != expected:
        # A labels file has one dimension: "10000 bytes", not "10000 = 10000 bytes".
        shape = f"{' x '.join(map(str, dims))} = {expected}" if ndim > 1 else f"{expected}"
        state = "is truncated" if len(raw) - header < expected else "is too long"
        raise RuntimeError(
            f"{path}: {state}: its header announces {shape} bytes of data, the file holds "
            f"{len(raw) - header}; {fix}"
        )
    data = np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)
    if what == "labels" and data.max() >= LABEL_CLASSES:
        index = int(np.argmax(data >= LABEL_CLASSES))
        raise RuntimeError(f"{path}: label {int(data[index])} at index {index} is not a digit 0-9; {fix}")
    return data


def check_pair(images_path: Path, images: np.ndarray, labels_path: Path, labels: np.ndarray) -> None:
    if len(images) != len(labels):
        raise RuntimeError(
            f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels; "
            "use the images and labels files of one MNIST download"
        )


def limit_problems(split: Split, batch_size: int | None, example_index: int | None) -> list[tuple[str, str]]:
    """(parameter, message) for each parameter that asks for more of ``split`` than it holds.

    Both would otherwise pass unnoticed: the last partial batch is dropped, so a batch larger than the
    training set trains nothing (accuracy at chance, losses NaN, read as "diverged"), and an example
    past the test set would quietly show another image.
    """
    problems = []
    train, test = len(split.train_labels), len(split.test_labels)
    if batch_size is not None and batch_size > train:
        problems.append((
            "batch_size",
            f"batch_size {batch_size:,} is larger than the {train:,} training images of {split.name}, so not one "
            f"step would train (a partial batch is dropped); use a batch_size of at most {train:,}",
        ))
    if example_index is not None and example_index >= test:
        problems.append((
            "example_index",
            f"example_index {example_index:,} is past the {test:,} test images of {split.name} (numbered 0 to "
            f"{test - 1:,}); use an example_index of at most {test - 1:,}",
        ))
    return problems


def load(name: str, data_dir: str = "") -> Split:
    """The dataset ``name`` as a seeded, stratified train/test ``Split``: "digits" (scikit-learn's 8x8 digits,
    bundled) or "mnist" (28x28, from ``data_dir``, which a kind passes as ``ctx.data_dir``)."""
    if name == "digits":
        return digits()
    if name == "mnist":
        return mnist(data_dir)
    raise ValueError(f"unknown dataset {name!r}")
