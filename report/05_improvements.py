# %% [markdown]
# # Improving the model {#sec-improvements}

# %%
#| include: false
import numpy as np

from cnnlab import present, viz
from cnnlab.chapter import LABELS, open_report
from cnnlab.models import build_model, layer_table

r = open_report()
n_base = r.results.n("tiny_vgg")


def rows(variant):
    return layer_table(build_model(variant, r.protocol.width))


def params(variant):
    return present.count(build_model(variant, r.protocol.width).count_params())


best, steadiest = r.best_variant(), r.steadiest_variant()
if best == steadiest:
    leader_text = (f"The {LABELS[best]} has both the best mean test accuracy, {r.pm(best)}, and the smallest "
                   "spread over seeds")
else:
    leader_text = (f"The best mean test accuracy is that of the {LABELS[best]}, {r.pm(best)}; the smallest spread "
                   f"over seeds, that of the {LABELS[steadiest]}")


# %% [markdown]
# Each variant below starts again from the tiny VGG, changes one thing, and is trained under exactly
# the protocol of @sec-q6 with the same seeds. It is compared with the tiny VGG over seeds
# (`{python} n_base` runs of the tiny VGG): the difference of the mean test accuracies with its 95 %
# confidence interval and Welch's t-test (which does not assume equal variances), Hedges' g as the
# effect size, and Levene's test (median-centred) of the spread over seeds, our measure of robustness
# to the initialisation. Every test is at the 5 % level; with few seeds, "not significant" means the
# runs cannot tell the variants apart, not that they are equal.

# %% [markdown]
# ## Q13. BatchNormalization before the activations {#sec-q13}
#
# Every convolution is now followed by BatchNormalization and only then by its ReLU
# (@fig-bn-arch), which adds `{python} present.count(build_model("tiny_vgg_bn").count_params() - build_model("tiny_vgg").count_params())`
# parameters (a scale and an offset per channel, plus running statistics that are not trained), for
# `{python} params("tiny_vgg_bn")` in all. BatchNormalization normalises each channel over the
# mini-batch, which keeps the inputs of every ReLU centred and scaled while the weights change.
# Its test accuracy is **`{python} r.pm("tiny_vgg_bn")`** against `{python} r.pm("tiny_vgg")`
# for the tiny VGG. `{python} r.verdict("tiny_vgg_bn")` `{python} r.fit_text("tiny_vgg_bn")`
# @fig-bn-curves shows its curves.
#
# `{python} r.batchnorm_text("tiny_vgg_bn")`

# %%
#| label: fig-bn-arch
#| fig-cap: "Tiny VGG with BatchNormalization between each convolution and its ReLU."
viz.architecture(rows("tiny_vgg_bn"));

# %%
#| label: fig-bn-curves
#| fig-cap: "Tiny VGG + BatchNorm: loss and accuracy per epoch, mean ± std over seeds."
viz.curve_bands(r.results.histories("tiny_vgg_bn"), LABELS["tiny_vgg_bn"]);

# %% [markdown]
# ## Q14. A third convolution block {#sec-q14}
#
# A third block of two convolutions and max-pooling (@fig-3b-arch) reduces the maps to
# `{python} " × ".join(map(str, build_model("tiny_vgg_3blocks").get_layer("block3_pool").output.shape[1:]))`
# before flatten, so the dense layer shrinks and the network has fewer parameters
# (`{python} params("tiny_vgg_3blocks")` against `{python} params("tiny_vgg")`), while each unit of
# the last block sees a larger part of the image. Its test accuracy is
# **`{python} r.pm("tiny_vgg_3blocks")`**. `{python} r.verdict("tiny_vgg_3blocks")`
# `{python} r.fit_text("tiny_vgg_3blocks")` @fig-3b-curves shows its curves.

# %%
#| label: fig-3b-arch
#| fig-cap: "Tiny VGG with a third convolution block."
viz.architecture(rows("tiny_vgg_3blocks"));

# %%
#| label: fig-3b-curves
#| fig-cap: "Tiny VGG, three blocks: loss and accuracy per epoch, mean ± std over seeds."
viz.curve_bands(r.results.histories("tiny_vgg_3blocks"), LABELS["tiny_vgg_3blocks"]);

# %% [markdown]
# ## Q15. A tiny ResNet {#sec-q15}
#
# The tiny ResNet (@fig-res-arch) starts with a 7 × 7 convolution, BatchNormalization, ReLU and 2 × 2
# max-pooling; then come two blocks of two 3 × 3 convolutions without pooling, each with a residual
# connection (Keras `Add`) from the block's input to its output and the block's last ReLU after the
# addition; before flatten, `AveragePooling2D(pool_size=4)` takes the 16 × 16 maps to 4 × 4. It has
# `{python} params("tiny_resnet")` parameters. Its test accuracy is **`{python} r.pm("tiny_resnet")`**.
# `{python} r.verdict("tiny_resnet")` Residual connections were introduced to train very deep networks,
# where gradients otherwise fade through many layers; with two blocks there is little to fix, so a
# small gain or none is what to expect, and the test above says which one these runs show.
# `{python} r.fit_text("tiny_resnet")` @fig-res-curves shows its curves.
#
# Its stem has a BatchNormalization layer. `{python} r.batchnorm_text("tiny_resnet")`

# %%
#| label: fig-res-arch
#| fig-cap: "Tiny ResNet: 7 × 7 stem, two residual blocks (curved arrows: the shortcuts), average pooling."
viz.architecture(rows("tiny_resnet"));

# %%
#| label: fig-res-curves
#| fig-cap: "Tiny ResNet: loss and accuracy per epoch, mean ± std over seeds."
viz.curve_bands(r.results.histories("tiny_resnet"), LABELS["tiny_resnet"]);

# %% [markdown]
# ## All variants side by side {#sec-summary}
#
# @tbl-summary gathers the four models; @tbl-compare the tests against the tiny VGG; @fig-all-seeds
# every seed's test accuracy and @fig-all-val the validation curves. `{python} leader_text`
# (@tbl-compare says which of the differences the seeds can resolve).

# %%
#| label: tbl-summary
#| tbl-cap: "All variants over seeds: test accuracy (mean ± std) on the full test set and on the exact first 1,000 images, median seconds per epoch, epoch of best validation accuracy, and train − validation accuracy gap at the last epoch in percentage points (means over seeds)."
r.summary_markdown()

# %%
#| label: tbl-compare
#| tbl-cap: "Each variant against the tiny VGG: difference of mean test accuracy (percentage points) with its 95 % interval and Welch's test, Hedges' g, ratio of standard deviations and Levene's test."
r.comparison_markdown()

# %%
#| label: fig-all-seeds
#| fig-cap: "Test accuracy of every seed (dots) and mean ± std (black) for each variant."
viz.seed_scatter(r.table, labels=LABELS);

# %%
#| label: fig-all-val
#| fig-cap: "Validation accuracy per epoch, mean ± std over seeds, for each variant."
viz.variant_curves({v: r.results.histories(v) for v in r.variants}, labels=LABELS);

# %%
#| include: false
from cnnlab.data import CLASS_NAMES

confusions = np.sum([np.array(rec.metrics["confusion_matrix"]) for rec in r.results.runs["tiny_vgg"]], axis=0)
per_class = {v: np.array([rec.metrics["per_class_accuracy"] for rec in r.results.runs[v]]) for v in r.variants}
base_means = per_class["tiny_vgg"].mean(axis=0)
best_class, worst_class = CLASS_NAMES[int(base_means.argmax())], CLASS_NAMES[int(base_means.argmin())]
rates = confusions / confusions.sum(axis=1, keepdims=True)
np.fill_diagonal(rates, 0)
i, j = np.unravel_index(rates.argmax(), rates.shape)
confused = (CLASS_NAMES[i], CLASS_NAMES[j], float(rates[i, j]))

# %% [markdown]
# ## Per-class accuracy and errors {#sec-errors}
#
# Per class (@fig-per-class), the tiny VGG is best on `{python} best_class` and worst on
# `{python} worst_class`. @fig-confusion shows where its errors go, summed over its seeds: the most
# frequent confusion is `{python} confused[0]` taken for `{python} confused[1]`
# (`{python} present.pct(confused[2], 1)` of the `{python} confused[0]` images). @fig-misclassified
# shows test images it got wrong.

# %%
#| label: fig-per-class
#| fig-cap: "Per-class test accuracy, mean ± std over seeds, for each variant."
viz.per_class_accuracy(per_class, labels=LABELS);

# %%
#| label: fig-confusion
#| fig-cap: "Confusion matrix of the tiny VGG on the test set, summed over its seeds (percent of each true class)."
viz.confusion(confusions);

# %%
#| label: fig-misclassified
#| fig-cap: "Test images misclassified by the tiny VGG (first seed): true class → predicted class."
viz.misclassified(r.data.x_test, r.data.y_test, r.predictions("tiny_vgg"));
