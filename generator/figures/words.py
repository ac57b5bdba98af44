"""The words lecturegen draws into its figures and native charts.

Axis titles, legend titles, series names and notes inside the figures. The
English words are the defaults below; their translations, chosen by the
lecture's language as the words the outputs add around the content are, live
beside those in generator/interface_words.py (FIGURE_TRANSLATIONS, one entry
per language; a word added here must be translated there, which a test checks),
and `figure_words(language, labels)` there picks them. The content's
`theme.labels` replaces any of them by the names below, so a lecture can have
other terms ("Glorot" for "Xavier"). The words are part of each figure's cache
key.

The alt texts stay English: they are sentences built from the data, not
words to swap. The HTML pages mark each drawn figure `lang="en"` for that.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def _word(english: str, description: str) -> Any:
    return field(default=english, metadata={"description": description})


@dataclass(frozen=True)
class FigureWords:
    """Every word the figures draw. Field names are the names `theme.labels` uses."""

    epoch_axis: str = _word("epoch", "x-axis title of the per-epoch charts.")
    hidden_layers_axis: str = _word("hidden layers", "x-axis title of accuracy against depth.")
    layer_axis: str = _word(
        "layer (1 = next to the input, {output} = output)",
        "x-axis title of the per-layer gradient charts; {output} is the output layer's number.",
    )
    test_accuracy_axis: str = _word("test accuracy (%)", "y-axis title of the accuracy charts.")
    test_error_axis: str = _word("test error (%)", "y-axis title of the CNN against dense network chart.")
    training_loss_axis: str = _word("training loss (cross-entropy)", "y-axis title of the loss curves.")
    weight_gradient_axis: str = _word("gradient norm \u2016\u2202L/\u2202W\u2016", "y-axis title of the depth sweep's gradient chart.")
    signal_gradient_axis: str = _word(
        "back-propagated gradient \u2016\u2202L/\u2202z\u2016", "y-axis title of the exploding-gradients chart."
    )
    input_axis: str = _word("input x", "x-axis title of the activation function charts.")
    output_axis: str = _word("output f(x)", "y-axis title of the activation functions.")
    derivative_axis: str = _word("derivative f\u2032(x)", "y-axis title of the activation derivatives.")
    layer_count_axis: str = _word("number of layers n", "x-axis title of the chain bound chart.")
    chain_factor_axis: str = _word(
        "largest gradient factor  max|f\u2032|\u207f", "y-axis title of the chain bound chart."
    )
    predicted_digit_axis: str = _word("predicted digit", "x-axis title of the confusion matrix.")
    true_digit_axis: str = _word("true digit", "y-axis title of the confusion matrix.")
    hidden_layers_title: str = _word("{depth} hidden layers", "Title of a chart at one depth; {depth} is the depth.")
    at_initialisation: str = _word("at initialisation", "Added to a gradient chart's title when measured before training.")
    after_epoch: str = _word("after epoch {epoch}", "Added to a gradient chart's title when measured after an epoch.")
    activation_legend: str = _word("activation", "Legend title over the activation colours.")
    initialisation_legend: str = _word("initialisation", "Legend title over the initialisation line styles.")
    initial_weights_legend: str = _word("initial weights", "Legend title over the weight scales.")
    default_init: str = _word("default init", "Name of PyTorch's default initialisation in legends.")
    xavier_init: str = _word("Xavier", "Name of the Xavier (Glorot) initialisation in legends.")
    he_init: str = _word("He", "Name of the He (Kaiming) initialisation in legends.")
    chance: str = _word("chance", "Label of the chance line in accuracy charts.")
    best_rate_title: str = _word(
        "at each network's best learning rate of {rates}; shaded: every rate",
        "Title of accuracy against depth when a rate grid was swept; {rates} lists the rates.",
    )
    guessing: str = _word("guessing (ln 10)", "Label of the loss of uniform guessing in the exploding-gradients loss chart.")
    weight_scale: str = _word("{scale}\u00d7 the stable scale", "A weight scale's series name; {scale} is the factor.")
    diverged_series: str = _word(
        "{series}, diverged in epoch {epoch}", "A series' name (legend, native chart) for a run that diverged."
    )
    sigmoid_bound: str = _word("sigmoid\u2032 \u2264 {bound} = 1/4", "Label of the sigmoid's derivative bound; {bound} is 0.25.")
    cnn: str = _word("CNN", "The convolutional network's name.")
    dense_network: str = _word("dense network", "The fully connected rival's name.")
    parameter_count: str = _word(
        "{count} parameters", "A network's parameter count, after its name in legends, ticks and chart categories."
    )
    wrong: str = _word("wrong", "After a test error in the CNN against dense network chart (\"1.4% wrong\").")
    right: str = _word("right", "After a test accuracy in the same chart (\"98.6% right\").")
    filters_title: str = _word(
        "first-layer filters (red: positive weight, blue: negative)", "Title of the learned filters figure."
    )
    input_digit_title: str = _word("input digit", "Title over the digit in the feature maps figure.")
    feature_maps_title: str = _word(
        "feature maps after the first convolution and ReLU", "Title over the maps in the feature maps figure."
    )

    def say(self, name: str, **values: object) -> str:
        """The word ``name`` with its placeholders filled: say("hidden_layers_title", depth=16)."""
        text = getattr(self, name)
        for key, value in values.items():
            text = text.replace("{" + key + "}", str(value))
        return text

    def init_label(self, init: str) -> str:
        return {"default": self.default_init, "xavier": self.xavier_init, "he": self.he_init}.get(init, init)

    def model_label(self, model: str) -> str:
        return {"cnn": self.cnn, "dense": self.dense_network}.get(model, model)


FIGURE_ENGLISH = FigureWords()
# Words that must hold a placeholder, or the number they show would be lost.
FIGURE_PLACEHOLDERS = {
    "layer_axis": "{output}",
    "hidden_layers_title": "{depth}",
    "best_rate_title": "{rates}",
    "after_epoch": "{epoch}",
    "weight_scale": "{scale}",
    "diverged_series": "{series}",
    "sigmoid_bound": "{bound}",
    "parameter_count": "{count}",
}
FIGURE_WORD_NAMES = tuple(word.name for word in fields(FigureWords))
