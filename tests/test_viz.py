"""Figures name the variants as the report does and label their axes."""

import io

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.text import Text

from cnnlab import viz, viz_architecture, viz_images, viz_scores
from cnnlab.models import labels
from cnnlab.stats import curve_band

LABELS = labels()  # the registry's display names


def _history(level: float) -> pd.DataFrame:
    return pd.DataFrame({"epoch": [1, 2, 3], "val_accuracy": [level, level + 0.1, level + 0.2]})


def test_seed_scatter_names_variants_with_their_seed_counts():
    table = pd.DataFrame(
        {"variant": ["tiny_vgg"] * 3 + ["tiny_vgg_bn"] * 2, "test_accuracy": [0.6, 0.62, 0.61, 0.58, 0.6]}
    )
    ax = viz_scores.seed_scatter(table, labels=LABELS).axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == ["tiny VGG\n(n = 3)", "tiny VGG + BatchNorm\n(n = 2)"]
    assert ax.get_ylabel() == "test accuracy, full test set (%)"
    unlabelled = viz_scores.seed_scatter(table).axes[0]
    assert [t.get_text().split("\n")[0] for t in unlabelled.get_xticklabels()] == ["tiny_vgg", "tiny_vgg_bn"]


def test_variant_curves_and_per_class_bars_use_display_names():
    curves = viz.variant_curves(
        {"tiny_vgg": [_history(0.3)], "tiny_vgg_bn": [_history(0.2), _history(0.25)]}, labels=LABELS
    )
    titles = [ax.get_title() for ax in curves.axes]
    assert titles == ["tiny VGG\n(n = 1)", "tiny VGG + BatchNorm\n(n = 2)"]
    ax = curves.axes[0]
    assert ax.get_ylabel() == "validation accuracy (%)" and ax.get_xlabel() == "epoch"
    assert max(ax.lines[-1].get_ydata()) == pytest.approx(50.0)  # in percent, as the text gives accuracies
    figure = viz_scores.per_class_accuracy({"tiny_vgg_bn": np.full((2, 10), 0.5)}, labels=LABELS)
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["tiny VGG + BatchNorm (n = 2)"]
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()][:2] == ["airplane", "automobile"]


def test_variant_curves_are_small_multiples_with_one_variant_in_colour_each(figures):
    # overlaid on one axis, four close curves and their bands could not be told apart
    axes = figures["variant_curves"].axes
    assert len(axes) == 4 and len({ax.get_title() for ax in axes}) == 4
    own = [to_hex(ax.lines[-1].get_color()) for ax in axes]  # each panel's variant, drawn last and thick
    assert len(set(own)) == 4
    for i, ax in enumerate(axes):  # the others thin, each in its own panel's colour: the lecturer's Figure 20
        thin = [to_hex(line.get_color()) for line in ax.lines if line.get_linewidth() < 1]
        assert sorted(thin) == sorted(c for j, c in enumerate(own) if j != i)
    legend = figures["variant_curves"].legends[0]
    assert all(t.get_fontsize() >= viz.MIN_FONT for t in legend.get_texts())
    assert to_hex(legend.legend_handles[0].get_color()) not in own  # no one panel's colour


def _curves(n: int = 3) -> pd.DataFrame:
    level = np.linspace(0.3, 0.7, n)
    return pd.DataFrame(
        {
            "epoch": np.arange(1, n + 1),
            **{f"{p}{m}": level for p in ("", "val_", "test_") for m in ("loss", "accuracy")},
        }
    )


def _layers(n: int) -> list[dict]:
    shapes = [(32, 32, 10)] * (n - 2) + [(640,), (10,)]
    return [{"layer": f"layer{i}", "type": "Conv2D", "output_shape": s, "inputs": []} for i, s in enumerate(shapes)]


def every_figure() -> dict[str, Figure]:
    """One example of each figure of the report, on small synthetic inputs."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (40, 32, 32, 3), dtype=np.uint8)
    labels = np.repeat(np.arange(10), 4)
    maps = {f"block{i}": rng.random((32 // 2**i, 32 // 2**i, 10)) for i in range(6)}
    table = pd.DataFrame({"variant": ["a"] * 3 + ["b"] * 3 + ["c"] * 3 + ["d"] * 3, "test_accuracy": rng.random(12)})
    four = {f"tiny VGG + BatchNorm {i}": [_curves(), _curves()] for i in range(4)}
    return {
        "run_curves": viz.run_curves(_curves()),
        "curve_bands": viz.curve_bands([_curves(), _curves()], "tiny VGG"),
        "class_examples": viz_images.class_examples(images, labels, per_class=4),
        "pixel_histograms": viz.pixel_histograms(images),
        "architecture": viz_architecture.architecture(_layers(19)),
        "variant_curves": viz.variant_curves(four),
        "seed_scatter": viz_scores.seed_scatter(table),
        "feature_maps": viz_images.feature_maps(maps, images[0], 0),
        "all_feature_maps": viz_images.all_feature_maps(maps),
        "first_layer_weights": viz_images.first_layer_weights(rng.normal(size=(3, 3, 3, 10))),
        "rgb_filters": viz_images.rgb_filters(rng.normal(size=(7, 7, 3, 64))),
        "confusion": viz_scores.confusion(rng.integers(0, 100, (10, 10))),
        "per_class_accuracy": viz_scores.per_class_accuracy({k: rng.random((2, 10)) for k in four}),
        "misclassified": viz_images.misclassified(images, labels, (labels + 1) % 10),
    }


@pytest.fixture(scope="module")
def figures():
    made = every_figure()
    yield made
    for figure in made.values():
        plt.close(figure)


def test_figures_are_drawn_at_their_printed_size_with_readable_text(figures):
    for name, figure in figures.items():
        figure.canvas.draw()
        assert figure.get_figwidth() <= viz.TEXT_WIDTH + 1e-9, f"{name} is wider than the page's text"
        small = {t for t in figure.findobj(Text) if t.get_visible() and t.get_text() and t.get_fontsize() < 7}
        assert not small, f"{name}: text under 7 pt: {[t.get_text() for t in small][:3]}"


def test_only_figures_of_pixels_hold_images(figures):
    # render.py sends a figure with an image as PNG and any other as SVG: plots must stay vector
    pictures = {"class_examples", "feature_maps", "all_feature_maps", "first_layer_weights", "rgb_filters"}
    pictures |= {"misclassified"}
    for name, figure in figures.items():
        svg = io.StringIO()
        figure.savefig(svg, format="svg")
        assert ("<image" in svg.getvalue()) == (name in pictures), name


def test_feature_maps_say_how_each_panel_is_scaled(figures):
    labels = [ax.get_xlabel() for ax in figures["feature_maps"].axes[1:]]
    assert all(" to " in label for label in labels)


def test_accuracy_axes_are_in_percent(figures):
    for name in ("run_curves", "curve_bands"):
        ax = figures[name].axes[1]
        assert ax.get_ylabel() == "accuracy (%)"
        assert 20 < max(max(line.get_ydata()) for line in ax.lines) <= 100, name


def _texts(figure: Figure) -> list[Text]:
    figure.canvas.draw()
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


@pytest.mark.parametrize("variant", ["tiny_vgg", "tiny_vgg_bn", "tiny_vgg_3blocks", "tiny_resnet"])
def test_architecture_labels_are_horizontal_dark_and_apart(variant):
    from matplotlib.colors import to_rgb

    from cnnlab.models import build_model, layer_table

    figure = viz_architecture.architecture(layer_table(build_model(variant)))
    texts = _texts(figure)
    for text in texts:
        assert text.get_rotation() == 0 and text.get_fontsize() >= viz.MIN_FONT, text.get_text()
        assert sum(to_rgb(text.get_color())) / 3 < 0.4, f"{text.get_text()!r} is not dark"  # printed on white
    assert {t.get_text().split("\n")[0] for t in texts} >= {"input", "conv", "dense"}
    boxes = [t.get_window_extent() for t in texts]
    overlapping = [
        (texts[i].get_text(), texts[j].get_text())
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if boxes[i].overlaps(boxes[j])
    ]
    assert not overlapping
    plt.close(figure)


def test_filter_figures_number_every_filter(figures):
    titles = [ax.get_title() for ax in figures["rgb_filters"].axes]
    assert [t.split(":")[0] for t in titles] == [str(i) for i in range(1, 65)]  # the text refers to them by number
    weights = figures["first_layer_weights"].axes[:10]
    assert [ax.get_title() for ax in weights] == [f"filter {i}" for i in range(1, 11)]


def test_one_seed_and_all_seeds_figures_share_their_axes_when_given_the_same_limits():
    low, high = _curves(), _curves()
    high[["loss", "val_loss", "test_loss"]] += 0.5  # another seed with higher losses
    limits = viz.curve_limits([low, high])
    one, bands = viz.run_curves(low, limits=limits), viz.curve_bands([low, high], limits=limits)
    for a, b in zip(one.axes, bands.axes, strict=True):  # the close-ups too: variants compare by eye
        assert a.get_ylim() == b.get_ylim()
    loss_low, loss_high = limits["loss"]
    assert loss_low < low["loss"].min() and loss_high > high["val_loss"].max()
    assert limits["accuracy"][1] > 100 * max(low[c].max() for c in ("accuracy", "val_accuracy", "test_accuracy"))
    plt.close(one)
    plt.close(bands)


def test_curve_limits_without_runs_leave_each_figure_its_own_axes():
    assert viz.curve_limits([]) == {}
    figure = viz.run_curves(_curves(), limits={})
    assert figure.axes[0].get_ylim()[0] < 0.3  # matplotlib's own range
    plt.close(figure)


def test_the_curve_figures_close_up_on_validation_and_test_accuracy_late_in_training():
    epochs = np.arange(1, 101)
    history = pd.DataFrame({"epoch": epochs, **{f"{p}{m}": 0.1 + 0.5 * (1 - np.exp(-epochs / 10)) for p in (
        "", "val_", "test_") for m in ("loss", "accuracy")}})  # fmt: skip
    history["test_accuracy"] -= 0.02  # a test curve 2 pp below the validation curve
    history["val_loss"] += np.where(epochs > 60, 0.0005 * (epochs - 60), 0)  # a late rise of 0.02
    for figure in (viz.run_curves(history), viz.curve_bands([history, history])):
        loss, accuracy, loss_close_up, close_up = figure.axes
        assert loss_close_up.get_title() == f"validation and test, epoch {viz.ZOOM_FROM} on"
        assert [line.get_xdata()[0] for line in close_up.lines] == [viz.ZOOM_FROM, viz.ZOOM_FROM]
        assert [line.get_xdata()[0] for line in loss_close_up.lines] == [viz.ZOOM_FROM, viz.ZOOM_FROM]
        span = lambda ax: ax.get_ylim()[1] - ax.get_ylim()[0]  # noqa: E731
        assert span(close_up) < 10 < span(accuracy)  # the 2 pp gap shows
        assert span(loss_close_up) < 0.2 < span(loss)  # and so does the late rise of the validation loss
        assert close_up.get_ylabel() == "accuracy (%)" and loss_close_up.get_ylabel() == "loss"
        plt.close(figure)
    short = viz.run_curves(_curves(4))
    assert short.axes[2].get_title() == "validation and test, epoch 3 on"  # a quick run's second half
    assert viz.run_curves(_curves(2)).axes[2].get_title() == "validation and test, epoch 1 on"  # all of two epochs
    plt.close("all")


def test_each_resnet_filter_is_titled_with_its_scale_against_the_layers_largest():
    """Each filter is min-max scaled on its own, so its title says how small it was before: a near-zero filter
    must not pass for a strong one."""
    kernel = np.ones((7, 7, 3, 3))
    kernel[..., 1] *= 0.05
    kernel[0, 0, 0, 2] = 2.0
    titles = [ax.get_title() for ax in viz_images.rgb_filters(kernel, columns=3).axes]
    assert titles == ["1: 0.50", "2: 0.03", "3: 1.00"]


def test_a_relu_a_convolution_applies_itself_is_drawn():
    """The lecturer's Figure 16: the ReLU after each residual block's first convolution was not shown."""
    from cnnlab.models import build_model, layer_table

    rows = layer_table(build_model("tiny_resnet"))
    texts = [t.get_text() for t in _texts(viz_architecture.architecture(rows))]
    assert texts.count("conv\n3×3\n+ReLU") == 2 and texts.count("conv\n3×3") == 2  # block conv1s; conv2s
    assert texts.count("conv\n7×7") == 1  # the stem
    vgg = [t.get_text() for t in _texts(viz_architecture.architecture(layer_table(build_model("tiny_vgg"))))]
    assert vgg.count("conv\n3×3\n+ReLU") == 4 and "dense" in vgg


def test_the_diagrams_give_each_kernel_and_pooling_window():
    from cnnlab.models import build_model, layer_table

    vgg = [t.get_text() for t in _texts(viz_architecture.architecture(layer_table(build_model("tiny_vgg"))))]
    assert vgg.count("max\npool\n2×2") == 2
    resnet = [t.get_text() for t in _texts(viz_architecture.architecture(layer_table(build_model("tiny_resnet"))))]
    assert "avg\npool\n4×4" in resnet  # the reading of "global average pooling with pool size 4"
    plt.close("all")


def test_the_close_ups_share_a_range_that_holds_each_groups_band_not_every_seed():
    """One collapsing seed would stretch the close-ups of every variant; the bands drawn there set their range."""
    runs = [_curves(60) for _ in range(5)]
    runs[0]["val_accuracy"] = np.where(runs[0]["epoch"] > 30, 0.1, runs[0]["val_accuracy"])  # one seed collapses
    limits = viz.curve_limits(runs, [runs])
    epochs, mean, std = curve_band(runs, "val_accuracy")
    late = epochs >= viz.ZOOM_FROM
    band_low, band_high = 100 * (mean - std)[late].min(), 100 * (mean + std)[late].max()
    assert band_low - 0.06 * (band_high - band_low) < limits["zoom_accuracy"][0] <= band_low  # the band, padded
    assert limits["accuracy"][0] < 10 and viz.curve_limits(runs)["zoom_accuracy"][0] < 10  # each seed alone


def test_per_class_accuracies_are_drawn_on_a_range_that_shows_a_few_points():
    """Bars from zero flattened the per-class differences the text discusses (the lecturer's Figure 21)."""
    rng = np.random.default_rng(0)
    figure = viz_scores.per_class_accuracy(
        {"tiny_vgg": 0.6 + 0.2 * rng.random((3, 10)), "tiny_vgg_bn": np.full((3, 10), 0.7)}
    )
    low, high = figure.axes[0].get_ylim()
    assert 50 < low < 60 and 80 < high < 90
    plt.close(figure)


def test_the_pixel_histogram_starts_at_zero_and_keeps_its_end_values_off_the_frame():
    images = np.random.default_rng(0).integers(0, 256, (20, 8, 8, 3), dtype=np.uint8)
    ax = viz.pixel_histograms(images).axes[0]
    assert ax.get_ylim()[0] == 0 and ax.get_xlim()[0] < 0 and ax.get_xlim()[1] > 255
    plt.close("all")


def test_the_pixel_histogram_spike_at_white_is_below_the_frame_and_labelled():
    """The lecturer's Figure 2: the spike at 255 ran into the top of the frame, so its height could not be read."""
    images = np.random.default_rng(0).integers(0, 256, (20, 8, 8, 3), dtype=np.uint8)
    images[:5] = 255  # a quarter of the pixels clipped at white
    ax = viz.pixel_histograms(images).axes[0]
    top = max(line.get_ydata().max() for line in ax.get_lines())
    assert ax.get_ylim()[1] > 1.1 * top
    assert [t.get_text()[:7] for t in ax.texts] == ["0: 0.47", "255: 25"]  # a quarter, and 1 in 256 of the rest
    plt.close("all")


def test_the_confusion_matrix_class_names_do_not_touch():
    """The lecturer's Figure 23: "airplane" and "automobile" ran into each other under the matrix. Slanted names
    anchored at their ticks lie on parallel lines; those lines must lie farther apart than a line of text is high
    (axis-aligned boxes of slanted text overlap whatever the spacing, so they cannot show it)."""
    matrix = np.full((10, 10), 10) + 500 * np.eye(10, dtype=int)
    figure = viz_scores.confusion(matrix)
    figure.canvas.draw()
    ax = figure.axes[0]
    names = ax.get_xticklabels()
    assert all(t.get_rotation_mode() == "anchor" for t in names)  # each name starts at its own tick
    ticks = ax.transData.transform([(0, 0), (1, 0)])
    apart = (ticks[1, 0] - ticks[0, 0]) * np.sin(np.radians(names[0].get_rotation()))
    assert apart > 1.2 * names[0].get_fontsize() * figure.dpi / 72
    boxes = [t.get_window_extent() for t in ax.get_yticklabels()]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    plt.close(figure)


def test_the_confusion_colours_scale_the_confusions_not_the_correct_answers():
    """The lecturer's Figure 23: a 0-100 % scale spent its range on the diagonal (44-76 %), leaving the confusions
    the text discusses (cat and dog, 18-19 %) pale."""
    matrix = np.full((10, 10), 10) + 500 * np.eye(10, dtype=int)
    matrix[3, 5] = 100  # one large confusion
    figure = viz_scores.confusion(matrix)
    mesh = figure.axes[0].collections[0]
    assert mesh.norm.vmax == pytest.approx(100 * 100 / (8 * 10 + 100 + 510))  # the largest confusion, row 3
    assert np.ma.getmaskarray(mesh.get_array()).reshape(10, 10).diagonal().all()  # the diagonal is left out
    plt.close(figure)


@pytest.mark.parametrize(
    "values",
    [
        [62.52, 64.54, 62.76, 63.65, 63.57, 62.26, 62.80, 62.99, 61.81, 62.72],  # the tiny VGG's
        [60.0, 60.01, 60.02, 60.03, 62.0, 64.0, 64.01, 64.02, 61.0, 63.0],  # clusters of three and four
    ],
)
def test_the_seed_strip_numbers_every_dot_with_its_seed_and_no_two_numbers_touch(values):
    """The lecturer's Figure 6 spent half a page on ten dots; the strip says which seed lies where."""
    figure = viz_scores.seed_strip(np.array(values) / 100, np.arange(10))
    texts = [t for t in _texts(figure) if t.get_text().isdigit()]
    assert sorted(int(t.get_text()) for t in texts) == list(range(10))
    boxes = [t.get_window_extent() for t in texts]
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    assert figure.get_figheight() < 1.5
    plt.close(figure)
