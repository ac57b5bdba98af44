"""Demo kind ``cnn_digits``: a small convolutional network against a dense one of the same size.

Both networks get the same images, the same optimiser and the same number of
epochs; the dense one's hidden width is chosen so that the two have almost
the same number of parameters. What differs is how those parameters are
spent: the CNN shares small filters across the image (local receptive
fields, weight sharing, pooling), the dense network learns one weight per
pixel per unit.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from generator.demos.registry import DemoKind, DemoResult, DistinctSeeds, Figure, RunContext, register
from generator.demos.results import Fraction, Integer, Record, Result, SeedRange, Text
from generator.wording import count as counted


class CnnDigitsParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    channels: tuple[Annotated[int, Field(ge=1, le=512)], Annotated[int, Field(ge=1, le=512)]] = Field(
        (16, 32), description="Filters in the first and second convolution layers.")
    epochs: int = Field(30, ge=1, le=1000, description="Training epochs for both networks.")
    batch_size: int = Field(32, ge=1, le=4096, description="Minibatch size.")
    lr: float = Field(0.003, gt=0, le=1, description="Adam learning rate.")
    seeds: DistinctSeeds = Field(default_factory=lambda: [0, 1, 2], min_length=1, description="Seeds (both networks, each seed).")
    example_index: int = Field(0, ge=0, description="Test image whose feature maps are shown.")
    dataset: Literal["digits", "mnist"] = Field("digits", description="Training data.")


def build_cnn(channels: tuple[int, int], side: int, classes: int):
    from collections import OrderedDict

    import torch.nn as nn

    first, second = channels
    pooled = side // 4  # two 2x2 poolings
    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(1, first, kernel_size=3, padding=1)),
        ("relu1", nn.ReLU()),
        ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(first, second, kernel_size=3, padding=1)),
        ("relu2", nn.ReLU()),
        ("pool2", nn.MaxPool2d(2)),
        ("flatten", nn.Flatten()),
        ("classifier", nn.Linear(second * pooled * pooled, classes)),
    ]))


def matching_dense_width(parameters: int, inputs: int, classes: int) -> int:
    """Hidden width h of inputs -> h -> classes with about ``parameters`` parameters."""
    # inputs*h + h + h*classes + classes = parameters
    return max(1, round((parameters - classes) / (inputs + 1 + classes)))


def build_dense(inputs: int, hidden: int, classes: int):
    import torch.nn as nn

    return nn.Sequential(nn.Flatten(), nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, classes))


def count_parameters(model) -> int:
    return sum(parameter.numel() for parameter in model.parameters())


def run(params: CnnDigitsParams, ctx: RunContext) -> DemoResult:
    import numpy as np
    import torch

    from generator.demos.data import load
    from generator.demos.stacked_modules import TrainBudget, train_stacked

    split = load(params.dataset, ctx.data_dir)
    device = torch.device(ctx.device)
    data = tuple(torch.from_numpy(array).to(device) for array in
                 (split.train_images, split.train_labels, split.test_images, split.test_labels))
    inputs = split.side * split.side
    ctx.progress.start(2 * params.epochs, f"CNN and dense network x {counted(len(params.seeds), 'seed')}")

    cnns, denses = [], []
    for seed in params.seeds:
        torch.manual_seed(ctx.seed + seed)
        cnns.append(build_cnn(params.channels, split.side, split.classes).to(device))
        hidden = matching_dense_width(count_parameters(cnns[-1]), inputs, split.classes)
        denses.append(build_dense(inputs, hidden, split.classes).to(device))
    # Each seed's two networks see the same batches: both draw them from a generator seeded alike.
    budget = TrainBudget(epochs=params.epochs, batch_size=params.batch_size, lr=params.lr)
    batch_seeds = [ctx.seed + seed for seed in params.seeds]
    cnn_model, cnn_loss, cnn_acc = train_stacked(cnns, batch_seeds, budget, data, on_epoch=ctx.progress.advance,
                                                 should_stop=ctx.should_stop)
    if ctx.should_stop():
        return DemoResult(values={}, arrays={})  # the build throws a stopped run's result away
    _, dense_loss, dense_acc = train_stacked(denses, batch_seeds, budget, data, on_epoch=ctx.progress.advance,
                                             should_stop=ctx.should_stop)

    # One network is looked at closely (its filters, feature maps and confusion matrix): the first seed's.
    # Stacking copied the parameters out, so the module still holds its initial weights: load the trained ones.
    first_cnn = cnn_model.member(0, cnns[0])
    predictions = cnn_model.predict(data[2])[0]
    labels = split.test_labels
    confusion = np.zeros((split.classes, split.classes), dtype=np.int64)
    np.add.at(confusion, (labels, predictions.cpu().numpy()), 1)
    example = min(params.example_index, len(labels) - 1)
    with torch.no_grad():
        first_layer = first_cnn.relu1(first_cnn.conv1(data[2][example : example + 1]))
    off_diagonal = confusion - np.diag(np.diag(confusion))
    true_digit, predicted_digit = np.unravel_index(np.argmax(off_diagonal), off_diagonal.shape)

    return DemoResult(
        values={
            "dataset": split.name,
            "side": split.side,  # image height and width in pixels: the text's shapes and arithmetic use it
            "conv1_params": count_parameters(first_cnn.conv1),
            "conv2_params": count_parameters(first_cnn.conv2),
            "classifier_params": count_parameters(first_cnn.classifier),
            "epochs": params.epochs,
            "seeds": len(params.seeds),
            "cnn_test_acc": float(np.mean(cnn_acc[:, -1])),
            "dense_test_acc": float(np.mean(dense_acc[:, -1])),
            "cnn_test_acc_range": {"low": float(cnn_acc[:, -1].min()), "high": float(cnn_acc[:, -1].max())},
            "dense_test_acc_range": {"low": float(dense_acc[:, -1].min()), "high": float(dense_acc[:, -1].max())},
            "cnn_params": count_parameters(first_cnn),
            "dense_params": count_parameters(denses[0]),
            "dense_hidden": hidden,
            "test_images": int(len(labels)),
            "train_images": int(len(split.train_labels)),
            "confusion_seed": params.seeds[0],
            "seed_test_acc": float(np.trace(confusion) / confusion.sum()),
            "cnn_errors": int(off_diagonal.sum()),
            "most_confused": {"true": int(true_digit), "predicted": int(predicted_digit),
                              "count": int(off_diagonal[true_digit, predicted_digit])},
            "example_label": int(labels[example]),
        },
        arrays={
            "cnn_loss": cnn_loss,
            "cnn_acc": cnn_acc,
            "dense_loss": dense_loss,
            "dense_acc": dense_acc,
            "confusion": confusion,
            "filters": first_cnn.conv1.weight.detach().cpu().numpy()[:, 0],
            "example_image": split.test_images[example, 0],
            "feature_maps": first_layer.detach().cpu().numpy()[0],
        },
    )


ONE_SEED = "the first seed's CNN (seed confusion_seed)"

SEED_RANGE = SeedRange(Fraction())

RESULTS = {
    "dataset": Result(Text(), "The data trained on: digits (8x8, scikit-learn) or mnist (28x28)."),
    "side": Result(Integer(), "Image height and width in pixels."),
    "conv1_params": Result(Integer(), "Parameters of the first convolution layer."),
    "conv2_params": Result(Integer(), "Parameters of the second convolution layer."),
    "classifier_params": Result(Integer(), "Parameters of the final linear layer."),
    "epochs": Result(Integer(), "Training epochs of both networks."),
    "seeds": Result(Integer(), "How many seeds each network was trained with."),
    "cnn_test_acc": Result(Fraction(), "CNN's final test accuracy, mean over seeds."),
    "dense_test_acc": Result(Fraction(), "Dense network's final test accuracy, mean over seeds."),
    "cnn_test_acc_range": Result(SEED_RANGE, "The CNN's lowest and highest final test accuracy over the seeds."),
    "dense_test_acc_range": Result(SEED_RANGE, "The dense network's lowest and highest final test accuracy over the seeds."),
    "cnn_params": Result(Integer(), "Parameters of the CNN."),
    "dense_params": Result(Integer(), "Parameters of the dense network (its width is chosen to match the CNN)."),
    "dense_hidden": Result(Integer(), "Hidden units of the dense network."),
    "test_images": Result(Integer(), "Test images."),
    "train_images": Result(Integer(), "Training images."),
    "confusion_seed": Result(Integer(), "The seed of the one CNN looked at closely: filters, feature maps, confusion matrix."),
    "seed_test_acc": Result(Fraction(), f"Test accuracy of {ONE_SEED}; 1 - cnn_errors / test_images."),
    "cnn_errors": Result(Integer(), f"Test images misclassified by {ONE_SEED}."),
    "most_confused": Result(Record({
        "true": Result(Integer(), "The true digit."),
        "predicted": Result(Integer(), "The digit it was taken for."),
        "count": Result(Integer(), "How often."),
    }), f"The largest off-diagonal cell of the confusion matrix of {ONE_SEED}."),
    "example_label": Result(Integer(), "The digit of the test image whose feature maps are shown."),
}

FIGURES = "generator.figures.cnn_digits"

KIND = register(
    DemoKind(
        name="cnn_digits",
        summary="A small CNN (conv, ReLU, pooling) on the handwritten digits against a dense network with "
        "the same number of parameters.",
        params=CnnDigitsParams,
        run=run,
        results=RESULTS,
        figures=(
            Figure("training_curves", "Test accuracy per epoch of the CNN and the dense network, mean over seeds.",
                   display=f"{FIGURES}:TrainingCurvesDisplay", chart=f"{FIGURES}:chart_training_curves"),
            Figure("filters", "The learned 3x3 filters of the first convolution layer (first seed's CNN).",
                   display=f"{FIGURES}:FiltersDisplay"),
            Figure("feature_maps", "One test digit and the first layer's feature maps of it (first seed's CNN).",
                   display=f"{FIGURES}:FeatureMapsDisplay"),
            Figure("confusion_matrix", "Which digits the first seed's CNN mistakes for which, on the test images.",
                   display=f"{FIGURES}:ConfusionMatrixDisplay"),
            Figure("cnn_vs_dense", "Test error (mean over seeds), as bars from zero, and parameter count of the two networks.",
                   display=f"{FIGURES}:CnnVsDenseDisplay", chart=f"{FIGURES}:chart_cnn_vs_dense"),
        ),
        smoke={"channels": [2, 4], "epochs": 1, "seeds": [0]},
        code_modules=("generator.demos.data", "generator.demos.stacked_modules", "generator.demos.cuda_graphs"),
    )
)
