"""MNIST read from the four IDX files a user supplies, offline: the reader, the demos, the errors, the CLI.

The files are written here from real handwritten digits: scikit-learn's 8x8
digits, each pixel blown up to 3x3 and padded by 2 to MNIST's 28x28, in the
IDX format MNIST is published in (big-endian magic and sizes, then bytes).
"""

from __future__ import annotations

import gzip
import html
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.demos.kinds.cnn_digits import CnnDigitsParams
from generator.demos.kinds.cnn_digits import run as run_cnn
from generator.demos.data import MNIST_FILES, load, mnist
from generator.demos.kinds.depth_sweep import DepthSweepParams
from generator.demos.kinds.depth_sweep import run as run_sweep
from generator.demos.kinds.exploding_gradients import ExplodingParams
from generator.demos.kinds.exploding_gradients import run as run_exploding
from generator.demos.registry import RunContext
from tests.conftest import DEFAULT_LECTURE

TRAIN_COUNT = 300
TEST_COUNT = 100
IDX_MAGIC = {1: 2049, 3: 2051}  # labels, images
CANONICAL = [file.name for file in MNIST_FILES.values()]
DOTTED = [name.replace("-idx", ".idx") for name in CANONICAL]


@dataclass(frozen=True)
class MnistFixture:
    train_images: np.ndarray  # uint8, (n, 28, 28)
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    roots: dict[str, Path]  # "unpacked", "gzipped", "dotted" -> a data dir holding MNIST/raw

    def arrays(self) -> list[np.ndarray]:
        return [self.train_images, self.train_labels, self.test_images, self.test_labels]


def idx_bytes(array: np.ndarray, magic: int | None = None, dims: tuple[int, ...] | None = None) -> bytes:
    """The IDX encoding of a uint8 array; `magic` and `dims` override the header to write broken files."""
    dims = array.shape if dims is None else dims
    magic = IDX_MAGIC[array.ndim] if magic is None else magic
    header = np.array([magic, *dims], dtype=">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype=np.uint8).tobytes()


def write_file(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the gzip bytes the same on every run.
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path


def write_mnist(root: Path, arrays: list[np.ndarray], names: list[str], suffix: str = "") -> Path:
    raw = root / "MNIST" / "raw"
    for array, name in zip(arrays, names):
        write_file(raw / f"{name}{suffix}", idx_bytes(array))
    return root


def upscaled_digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    blown_up = np.stack([np.kron(image, np.ones((3, 3))) for image in bunch.images])  # 24 x 24
    padded = np.pad(blown_up, ((0, 0), (2, 2), (2, 2)))
    return np.round(padded * 255.0 / 16.0).astype(np.uint8), bunch.target.astype(np.uint8)


@pytest.fixture(scope="session")
def files(tmp_path_factory) -> MnistFixture:
    images, labels = upscaled_digits()
    end = TRAIN_COUNT + TEST_COUNT
    fixture_arrays = [images[:TRAIN_COUNT], labels[:TRAIN_COUNT], images[TRAIN_COUNT:end], labels[TRAIN_COUNT:end]]
    base = tmp_path_factory.mktemp("mnist")
    roots = {
        "unpacked": write_mnist(base / "unpacked", fixture_arrays, CANONICAL),
        "gzipped": write_mnist(base / "gzipped", fixture_arrays, CANONICAL, ".gz"),
        "dotted": write_mnist(base / "dotted", fixture_arrays, DOTTED),
    }
    return MnistFixture(*fixture_arrays, roots=roots)


@pytest.fixture
def no_torchvision(monkeypatch):
    # None in sys.modules makes `import torchvision` fail as if it were not installed, so no test downloads.
    monkeypatch.setitem(sys.modules, "torchvision", None)


@pytest.mark.parametrize("variant", ["unpacked", "gzipped", "dotted"])
def test_the_four_files_are_read_unpacked_gzipped_or_with_dotted_names(files, variant):
    split = load("mnist", str(files.roots[variant]))
    assert split.name == "mnist"
    assert split.classes == 10
    assert split.side == 28
    assert split.train_images.shape == (TRAIN_COUNT, 1, 28, 28)
    assert split.test_images.shape == (TEST_COUNT, 1, 28, 28)
    assert split.train_images.dtype == split.test_images.dtype == np.float32
    assert split.train_labels.dtype == split.test_labels.dtype == np.int64
    np.testing.assert_array_equal(split.train_labels, files.train_labels)
    np.testing.assert_array_equal(split.test_labels, files.test_labels)
    np.testing.assert_allclose(split.train_images[:, 0], files.train_images / 255.0, rtol=1e-6)
    np.testing.assert_allclose(split.test_images[:, 0], files.test_images / 255.0, rtol=1e-6)
    assert split.train_images.min() == 0.0 and split.train_images.max() == 1.0


def test_the_decoded_files_are_kept_in_memory_until_a_file_changes(files, tmp_path):
    root = write_mnist(tmp_path, files.arrays(), CANONICAL)
    first = mnist(root)
    assert mnist(root) is first
    relabelled = (files.test_labels + 1) % 10
    write_file(root / "MNIST" / "raw" / "t10k-labels-idx1-ubyte", idx_bytes(relabelled))
    np.testing.assert_array_equal(mnist(root).test_labels, relabelled)


def test_the_cnn_trains_on_the_supplied_files(files):
    context = RunContext(device="cpu", seed=0, data_dir=str(files.roots["gzipped"]))
    result = run_cnn(CnnDigitsParams(dataset="mnist", epochs=1, seeds=[0]), context)
    assert result.values["side"] == 28
    assert result.values["dataset"] == "mnist"
    assert result.values["train_images"] == TRAIN_COUNT
    assert result.values["test_images"] == TEST_COUNT
    assert result.arrays["confusion"].sum() == TEST_COUNT
    assert result.arrays["feature_maps"].shape[-2:] == (28, 28)


def test_the_depth_sweep_and_exploding_gradients_train_on_the_supplied_files(files):
    context = RunContext(device="cpu", seed=0, data_dir=str(files.roots["unpacked"]))
    sweep = run_sweep(
        DepthSweepParams(dataset="mnist", activations=["relu"], inits=["he"], depths=[2], seeds=[0], width=8, epochs=1,
                         lrs=[0.01]),
        context,
    )
    assert sweep.values["train_images"] + sweep.values["validation_images"] == TRAIN_COUNT
    assert sweep.values["test_images"] == TEST_COUNT
    assert 0.0 <= sweep.values["test_acc"]["relu"]["he"]["2"] <= 1.0
    exploding = run_exploding(ExplodingParams(dataset="mnist", scales=[1.0], depth=2, width=8, epochs=1), context)
    assert exploding.values["dataset"] == "mnist"
    assert exploding.arrays["loss_curve"].shape[-1] == 1
    assert np.isfinite(exploding.arrays["loss_curve"]).all()


def broken_folder(root: Path, files: MnistFixture, replace: dict[str, bytes]) -> Path:
    """The fixture's files, unpacked, with some files' bytes replaced."""
    write_mnist(root, files.arrays(), CANONICAL)
    for name, data in replace.items():
        write_file(root / "MNIST" / "raw" / name, data)
    return root / "MNIST" / "raw"


def test_a_file_with_the_wrong_magic_number_is_named(files, tmp_path):
    # A labels file where the images belong: the commonest mix-up.
    raw = broken_folder(tmp_path, files, {"train-images-idx3-ubyte": idx_bytes(files.train_labels)})
    with pytest.raises(RuntimeError) as error:
        mnist(tmp_path)
    path = raw / "train-images-idx3-ubyte"
    assert str(error.value) == (
        f"{path}: is not an MNIST images file: its magic number is 2049 (0x00000801), expected 2051 (0x00000803); "
        "replace it with the MNIST images file (gzipped or unpacked) from an intact download"
    )


def test_a_truncated_file_is_named_with_the_sizes(files, tmp_path):
    whole = idx_bytes(files.test_images)
    raw = broken_folder(tmp_path, files, {"t10k-images-idx3-ubyte": whole[:-784]})
    with pytest.raises(RuntimeError) as error:
        mnist(tmp_path)
    assert str(error.value) == (
        f"{raw / 't10k-images-idx3-ubyte'}: is truncated: its header announces 100 x 28 x 28 = 78400 bytes of data, "
        "the file holds 77616; replace it with the MNIST images file (gzipped or unpacked) from an intact download"
    )


def test_a_truncated_labels_file_gives_its_size_once(files, tmp_path):
    whole = idx_bytes(files.test_labels)
    raw = broken_folder(tmp_path, files, {"t10k-labels-idx1-ubyte": whole[:-8]})
    with pytest.raises(RuntimeError) as error:
        mnist(tmp_path)
    assert str(error.value) == (
        f"{raw / 't10k-labels-idx1-ubyte'}: is truncated: its header announces 100 bytes of data, "
        "the file holds 92; replace it with the MNIST labels file (gzipped or unpacked) from an intact download"
    )


def test_a_truncated_gzip_file_is_named(files, tmp_path):
    write_mnist(tmp_path, files.arrays(), CANONICAL, ".gz")
    path = tmp_path / "MNIST" / "raw" / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(RuntimeError) as error:
        mnist(tmp_path)
    assert str(error.value) == (
        f"{path}: cannot be read (Compressed file ended before the end-of-stream marker was reached); "
        "replace it with the MNIST labels file (gzipped or unpacked) from an intact download"
    )


def test_images_and_labels_of_different_counts_are_named_together(files, tmp_path):
    raw = broken_folder(tmp_path, files, {"train-labels-idx1-ubyte": idx_bytes(files.train_labels[:-1])})
    with pytest.raises(RuntimeError) as error:
        mnist(tmp_path)
    assert str(error.value) == (
        f"{raw / 'train-images-idx3-ubyte'} holds 300 images but {raw / 'train-labels-idx1-ubyte'} holds 299 labels; "
        "use the images and labels files of one MNIST download"
    )


def test_a_label_that_is_not_a_digit_is_named_with_its_index(files, tmp_path):
    labels = files.test_labels.copy()
    labels[7] = 11
    raw = broken_folder(tmp_path, files, {"t10k-labels-idx1-ubyte": idx_bytes(labels)})
    with pytest.raises(RuntimeError) as error:
        mnist(tmp_path)
    assert str(error.value) == (
        f"{raw / 't10k-labels-idx1-ubyte'}: label 11 at index 7 is not a digit 0-9; "
        "replace it with the MNIST labels file (gzipped or unpacked) from an intact download"
    )


def test_images_that_are_not_square_are_named(files, tmp_path):
    wide = files.train_images.reshape(TRAIN_COUNT, 14, 56)
    raw = broken_folder(tmp_path, files, {"train-images-idx3-ubyte": idx_bytes(wide)})
    with pytest.raises(RuntimeError) as error:
        mnist(tmp_path)
    assert str(error.value) == (
        f"{raw / 'train-images-idx3-ubyte'}: holds images of 14 x 56 pixels; they must be square; "
        "replace it with the MNIST images file (gzipped or unpacked) from an intact download"
    )


NO_TORCHVISION = (
    "torchvision, which could download it, cannot be imported (ModuleNotFoundError: import of "
    "torchvision halted; None in sys.modules)"
)
WHAT_TO_DO = (
    "Put the four MNIST files there: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
    "t10k-labels-idx1-ubyte (gzipped as .gz or unpacked, both work), or point --data-dir (or $LECTUREGEN_DATA_DIR) "
    "at a folder whose MNIST/raw holds them. Or use dataset: digits, or a profile that does not use MNIST."
)


def missing_message(data_dir: Path, missing: list[str]) -> str:
    raw = (data_dir / "MNIST" / "raw").resolve()
    which = f" (missing: {', '.join(missing)})" if missing else ""
    return f"MNIST is not in {raw}{which} and {NO_TORCHVISION}. {WHAT_TO_DO}"


def test_missing_files_without_torchvision_say_which_files_go_where(tmp_path, no_torchvision):
    context = RunContext(device="cpu", seed=0, data_dir=str(tmp_path / "data"))
    with pytest.raises(RuntimeError) as error:
        run_cnn(CnnDigitsParams(dataset="mnist", epochs=1, seeds=[0]), context)
    assert str(error.value) == missing_message(tmp_path / "data", [])


def test_one_missing_file_is_named_alone(files, tmp_path, no_torchvision):
    write_mnist(tmp_path, files.arrays()[:3], CANONICAL[:3], ".gz")
    with pytest.raises(RuntimeError) as error:
        mnist(tmp_path)
    assert str(error.value) == missing_message(tmp_path, ["t10k-labels-idx1-ubyte"])


def test_a_data_dir_naming_the_files_own_folder_says_which_folder_to_name(files, tmp_path, monkeypatch):
    # --data-dir .mnist/MNIST/raw used to be told to put the files into .mnist/MNIST/raw/MNIST/raw,
    # after a download attempt into that nested folder.
    calls = stand_in_torchvision(monkeypatch, lambda root: None)
    raw = files.roots["gzipped"] / "MNIST" / "raw"
    with pytest.raises(RuntimeError) as error:
        mnist(raw)
    assert str(error.value) == (
        f"{raw.resolve()} holds the MNIST files itself, but the data folder (--data-dir or $LECTUREGEN_DATA_DIR) "
        f"is the one whose MNIST/raw holds them: use {files.roots['gzipped'].resolve()}"
    )
    flat = tmp_path / "flat"
    flat.mkdir()
    for name in CANONICAL:
        (flat / f"{name}.gz").write_bytes((raw / f"{name}.gz").read_bytes())
    with pytest.raises(RuntimeError) as error:
        mnist(flat)
    assert str(error.value) == (
        f"{flat.resolve()} holds the MNIST files itself, but the data folder (--data-dir or $LECTUREGEN_DATA_DIR) "
        f"is the one whose MNIST/raw holds them: move them into {flat.resolve() / 'MNIST' / 'raw'}"
    )
    assert calls == []


def stand_in_torchvision(monkeypatch, fetch) -> list[tuple[str, bool]]:
    """A torchvision whose MNIST(root, train, download) calls `fetch(root)`: the real one cannot be
    imported next to the CPU build of torch, and the test machines are offline. Returns the calls."""
    import types

    calls = []

    def dataset(root, train, download):
        calls.append((root, train))
        fetch(root)

    monkeypatch.setitem(
        sys.modules, "torchvision", types.SimpleNamespace(datasets=types.SimpleNamespace(MNIST=dataset))
    )
    return calls


def test_when_offline_the_download_error_is_given_with_what_to_do(tmp_path, monkeypatch):
    def offline(root):
        raise OSError("[Errno -3] Temporary failure in name resolution")

    stand_in_torchvision(monkeypatch, offline)
    with pytest.raises(RuntimeError) as error:
        mnist(tmp_path)
    assert str(error.value) == (
        f"MNIST is not in {tmp_path.resolve() / 'MNIST' / 'raw'} and torchvision could not download it "
        f"(OSError: [Errno -3] Temporary failure in name resolution). {WHAT_TO_DO}"
    )


def test_files_torchvision_downloads_into_the_data_dir_are_read(files, tmp_path, monkeypatch):
    # torchvision keeps the .gz archives and their unpacked copies side by side in <root>/MNIST/raw.
    calls = stand_in_torchvision(monkeypatch, lambda root: write_mnist(Path(root), files.arrays(), CANONICAL, ".gz"))
    split = mnist(tmp_path / "data")
    assert calls == [(str(tmp_path / "data"), True), (str(tmp_path / "data"), False)]
    np.testing.assert_array_equal(split.test_labels, files.test_labels)


MNIST_LECTURE = """\
lecture:
  title: Offline MNIST
demos:
  cnn:
    kind: cnn_digits
    params:
      dataset: mnist
      channels: [4, 8]
      epochs: 1
      seeds: [0]
sections:
  - title: Convolutions
    slides:
      - title: What the network saw
        bullets:
          - 'The CNN trained on {{ results.cnn.train_images }} images of {{ results.cnn.side }} pixels a side'
"""


def build_args(tmp_path: Path, data_dir: Path) -> list[str]:
    content = tmp_path / "lecture" / "offline.yaml"
    content.parent.mkdir(exist_ok=True)
    content.write_text(MNIST_LECTURE)
    return [
        "build",
        str(content),
        "-o",
        str(tmp_path / "out"),
        "--format",
        "html",
        "--device",
        "cpu",
        "--cache-dir",
        str(tmp_path / "cache"),
        "--data-dir",
        str(data_dir),
    ]


def test_build_with_an_empty_data_dir_fails_cleanly_and_writes_nothing(tmp_path, no_torchvision):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, build_args(tmp_path, empty))
    assert result.exit_code == 1
    error_line = result.stderr.splitlines()[-1]
    assert error_line == f"error: demo 'cnn' (cnn_digits) cannot read its data, so no demo ran: {missing_message(empty, [])}"
    assert "Traceback" not in result.output + result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_missing_data_stops_the_build_before_any_demo_trains(tmp_path, no_torchvision):
    # A demo listed before the MNIST one would otherwise train first, for nothing.
    empty = tmp_path / "empty"
    empty.mkdir()
    args = build_args(tmp_path, empty)
    content = Path(args[1])
    content.write_text(MNIST_LECTURE.replace(
        "demos:\n", "demos:\n  first:\n    kind: depth_sweep\n    params: {depths: [1], seeds: [0], epochs: 1}\n", 1))
    result = CliRunner().invoke(main, [*args, "--verbose"])
    assert result.exit_code == 1
    assert "cannot read its data, so no demo ran" in result.stderr
    assert "demo first (depth_sweep): running" not in result.stderr


def test_build_reads_mnist_from_data_dir(files, tmp_path, no_torchvision):
    result = CliRunner().invoke(main, build_args(tmp_path, files.roots["dotted"]))
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "out" / "offline-mnist" / "slides.html").read_text()
    assert f"The CNN trained on {TRAIN_COUNT} images of 28 pixels a side" in page


def test_a_cached_result_is_reused_only_for_the_files_it_was_trained_on(files, tmp_path, no_torchvision):
    # Another dataset in MNIST's layout (Fashion-MNIST is often dropped in as MNIST) must not get MNIST's result.
    result = CliRunner().invoke(main, [*build_args(tmp_path, files.roots["unpacked"]), "--verbose"])
    assert result.exit_code == 0, result.stderr
    assert "demo cnn (cnn_digits): running on cpu" in result.stderr
    same = CliRunner().invoke(main, [*build_args(tmp_path, files.roots["unpacked"]), "--verbose"])
    assert "demo cnn (cnn_digits): from cache (cpu)" in same.stderr
    others = tmp_path / "others"
    flipped = [files.train_images[:, :, ::-1], files.train_labels, files.test_images[:, :, ::-1], files.test_labels]
    write_mnist(others, [np.ascontiguousarray(array) for array in flipped], CANONICAL)
    other = CliRunner().invoke(main, [*build_args(tmp_path, others), "--verbose"])
    assert other.exit_code == 0, other.stderr
    assert "demo cnn (cnn_digits): running on cpu" in other.stderr
    # The same files, only moved elsewhere, are the same data: the result is reused.
    moved = tmp_path / "moved"
    shutil.copytree(files.roots["unpacked"], moved)
    again = CliRunner().invoke(main, [*build_args(tmp_path, moved), "--verbose"])
    assert "demo cnn (cnn_digits): from cache (cpu)" in again.stderr


def test_data_dir_comes_from_the_environment_when_not_given(files, tmp_path, monkeypatch, no_torchvision):
    monkeypatch.setenv("LECTUREGEN_DATA_DIR", str(files.roots["gzipped"]))
    args = build_args(tmp_path, Path("unused"))[:-2]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "offline-mnist" / "slides.html").is_file()


@pytest.mark.slow
def test_the_default_lectures_cnn_slides_describe_mnist_when_the_cnn_trained_on_it(files, tmp_path, no_torchvision):
    lecture = DEFAULT_LECTURE.read_text()
    quick_cnn = "    cnn:\n      seeds: [0]\n      epochs: 2\n"
    assert quick_cnn in lecture  # the quick profile's cnn override, which this test extends
    content = tmp_path / "deep_learning.yaml"
    content.write_text(lecture.replace(quick_cnn, quick_cnn + "      dataset: mnist\n", 1))
    args = ["build", str(content), "-o", str(tmp_path / "out"), "--profile", "quick", "--format", "report",
            "--cache-dir", str(tmp_path / "cache"), "--data-dir", str(files.roots["gzipped"]), "--strict"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    page = html.unescape(re.sub(r"<[^>]+>", " ", (tmp_path / "out" / "deep-learning" / "report.html").read_text()))
    text = " ".join(page.split())
    assert "A small CNN for 28×28 handwritten digits" in text
    assert "This lecture trains it on MNIST, by LeCun, Cortes and Burges (1998)" in text
    assert "Dense 784–" in text and "1×28×28 → 16×28×28" in text
    assert "9,847,040" in text  # the dense layer of the arithmetic table, 784 inputs to 16 maps of 28x28
    assert f"see the same {TRAIN_COUNT} training images" in text
    assert "the small CNN, trained on MNIST, reached" in text
    assert "8×8 handwritten digits" not in text
