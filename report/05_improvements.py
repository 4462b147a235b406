# %% [markdown]
# # Improving the model {#sec-improvements}

# %%
#| include: false
from cnnlab import present, viz, viz_architecture, viz_images, viz_scores
from cnnlab.chapter import open_report
from cnnlab.models import build_model, layer_table, trainable_count
from cnnlab.stats import ALPHA

r = open_report()
n_base = r.results.n("tiny_vgg")
models = {v: build_model(v, r.protocol.width) for v in r.labels}
trainable = {v: trainable_count(model) for v, model in models.items()}
statistics = {v: models[v].count_params() - trainable[v] for v in models}  # BatchNorm's running means and variances


def shape(variant, layer, channels=True):
    dims = models[variant].get_layer(layer).output.shape[1:]
    return " × ".join(map(str, dims if channels else dims[:2]))


# %%
#| include: false
from IPython.display import Markdown

from cnnlab import families
from cnnlab.power import POWER
from cnnlab.verdicts import levene_power_text

momentum = next(layer.momentum for layer in models["tiny_vgg_bn"].layers if hasattr(layer, "moving_mean"))

# %% [markdown]
# Each variant below starts again from the tiny VGG, changes one thing, and is trained under exactly
# the protocol of @sec-q6 with the same seeds. It is compared with the tiny VGG (`{python} n_base` runs)
# over seeds, on the full test set and on its exact first `{python} present.count(r.evidence.exact_images)`
# images (@sec-data-note). The full test set stands in for the assignment's: it has all
# `{python} present.count(len(r.data.y_test))` test images and labels, but
# `{python} present.pct(r.evidence.lossy_fraction(), 0)` of them are JPEG-derived copies, so it comes first for its size, not for being exact;
# the exact images, free of compression but fewer, are a check that confirms a verdict or not, and a verdict
# that holds on the full set alone is flagged as such (@sec-jpeg measures what compression costs each variant). On each: the difference of the mean test accuracies with its 95 % confidence interval and
# Welch's t-test, which does not assume equal variances [@welch1947], Hedges' g [@hedges1981] as the effect
# size (the difference in units of the seeds' pooled standard deviation, corrected for few seeds), Mann–Whitney's rank test [@mann1947], which compares the seeds' ranks and so cannot be driven by one
# outlying seed, and Levene's test of the spread over seeds in its median-centred form [@levene1960; @brown1974],
# our measure of robustness to the seed. Two spreads measured on the same seeds (before and after
# recomputing BatchNorm's statistics) are compared with the Pitman–Morgan test of paired variances
# [@pitman1939; @morgan1939], which tests whether the two standard deviations differ while allowing for the
# seeds' correlation. Every test is two-sided at the `{python} present.pct(ALPHA, 0)` level. The smallest
# difference a test would have detected with `{python} present.pct(POWER, 0)` power is computed from the
# seeds' pooled standard deviation and the noncentral t distribution (equal groups), and for Levene's test,
# which has no such formula, by simulating it on normal samples. `{python} r.evidence.sampling_text()`
#
# **Which p-values are corrected.** A *family* is one question asked several times, such as "does its mean
# test accuracy on the full test set differ from the tiny VGG's?" asked of each of the
# `{python} present.word(len(r.claims.others))` variants; Holm's method [@holm1979] corrects the p-values
# within it, which keeps the chance of any false claim in the family at
# `{python} present.pct(ALPHA, 0)`; @tbl-families lists the families.
# A difference counts as significant only after the correction, and both p-values are given. The tiny
# VGG's early-stopping gain is tested alone in @sec-q8 (raw p) and again with every variant's in @sec-summary
# (Holm). "Not significant" means the runs
# cannot tell the variants apart, not that they are equal; each such verdict says how large a difference
# its seeds would have detected with `{python} present.pct(POWER, 0)` power.
# `{python} levene_power_text(n_base, r.evidence.detectable_ratio())`

# %%
#| label: tbl-families
#| tbl-cap: "The families Holm's method corrects over: each question, what it is asked of, on which test sets (each apart: one family per test set), and how many p-values one family holds."
Markdown(families.families_markdown(families.sizes_of(r)))

# %% [markdown]
# ## Q13. BatchNormalization before the activations {#sec-q13}
#
# Every convolution is now followed by BatchNormalization [@ioffe2015batchnorm] and only then by its ReLU
# (@fig-bn-arch), which adds `{python} present.count(trainable["tiny_vgg_bn"] - trainable["tiny_vgg"])`
# trainable parameters (a scale and an offset per channel), for `{python} present.count(trainable["tiny_vgg_bn"])`
# in all, and `{python} present.count(statistics["tiny_vgg_bn"])` running statistics that are not trained
# (@tbl-summary counts the two apart). The convolutions keep their biases, as in the tiny VGG, though the
# BatchNormalization after each subtracts the batch mean and so cancels them: `{python} present.count(sum(layer.filters for layer in models["tiny_vgg_bn"].layers if "conv" in layer.name and layer.use_bias))`
# of the trainable parameters cannot change the output (`use_bias=False` would drop them). BatchNormalization normalises each channel over the
# mini-batch, then rescales and shifts it with the learned scale and offset, so the inputs of every ReLU keep
# a distribution the network sets, whatever the weights before it do meanwhile.
# Its test accuracy is **`{python} r.pm("tiny_vgg_bn")`** against `{python} r.pm("tiny_vgg")`
# for the tiny VGG. `{python} r.verdict("tiny_vgg_bn")`
#
# `{python} r.fit_text("tiny_vgg_bn")` @fig-bn-curves shows its curves, and @fig-all-val sets its
# validation curve beside the others'. `{python} r.evidence.lead_text("tiny_vgg_bn")`
#
# `{python} r.batchnorm_text("tiny_vgg_bn")`
#
# **Why is it lower?** Two explanations fit a lower test accuracy: the network generalises less well from
# what it fits (a wider generalisation gap), or the
# running statistics it uses at test time do not match what its weights need. Keras keeps those statistics as
# running averages with momentum `{python} momentum`, so they weigh roughly the last
# `{python} present.count(round(1 / (1 - momentum)))` batches (an epoch has
# `{python} present.count(-(-r.record("tiny_vgg").metrics["n_train"] // r.protocol.batch_size))` of them),
# each normalised with the weights of its own step: while the optimizer still moves the weights, the
# averages can trail them. `{python} r.statistics_gap.summary_text("tiny_vgg_bn")` @tbl-modes scores every
# run's final weights both ways, on its training part, its validation part and the test set; the batch
# statistics come from consecutive batches in each set's stored order, whose classes are mixed (two
# neighbouring test images share a class
# `{python} present.pct(float((r.data.y_test[1:] == r.data.y_test[:-1]).mean()), 1)` of the time, about the
# `{python} present.pct(1 / len(r.facts["test_per_class"]), 0)` of a random order).
# `{python} r.claims.why_lower("tiny_vgg_bn")`
#
# `{python} r.exact_deficit.text("tiny_vgg_bn")`

# %%
#| label: fig-bn-arch
#| fig-cap: "Tiny VGG with BatchNormalization between each convolution and its ReLU."
viz_architecture.architecture(layer_table(models["tiny_vgg_bn"]));

# %%
#| label: fig-bn-curves
#| fig-cap: "Tiny VGG + BatchNorm: loss and accuracy per epoch, mean ± std over seeds (training: Keras's average over each epoch's batches, with batch statistics); panels and ranges as in @fig-curves-one."
viz.curve_bands(r.results.histories("tiny_vgg_bn"), r.label("tiny_vgg_bn"), r.curve_limits);

# %%
#| label: tbl-modes
#| tbl-cap: "Each variant's final weights scored with BatchNorm's running statistics (as at test time) and, on a second row, with each batch's own statistics (as in training, over consecutive batches of the protocol's size): accuracy on the training part, the validation part and the full test set, and the training − validation gap, mean ± std over seeds. A variant without BatchNorm scores the same both ways: one row."
r.evidence.modes_markdown()

# %%
#| include: false
study = r.seed_study

# %% [markdown]
# ### Does Keras's fixed order matter? {#sec-reshuffle}
#
# Keras shows the training images in the same order at every epoch of a seeded run (@sec-q6), so a
# BatchNorm layer sees the same mini-batches, with the same batch statistics, a hundred times over. A
# reader may ask whether that is why +BatchNorm is lower. Runs of tiny VGG and of +BatchNorm that draw a
# new order at every epoch (from the seed and the epoch; the validation part stays the last 30 %) answer
# it (@tbl-reshuffle, @fig-seed-study; @sec-seed-sources describes the study's groups).
#
# `{python} study.reshuffling_text("reshuffled")` `{python} study.reshuffling_text("reshuffled_bn")`
# `{python} study.deficit_text()`

# %%
#| label: tbl-reshuffle
#| tbl-cap: "Keras's one order for all epochs (the protocol) against a new order at every epoch: test accuracy, mean ± std over seeds, and the difference (new − fixed) with its 95 % interval, Welch's test of the means and Levene's test of the spreads, each p raw and, in brackets, after Holm's correction over the two variants on the same test set (– where too few seeds define it). Fixed order: the protocol's runs of the seeds that also have a run with a new order (n: fixed vs new)."
study.reshuffling_markdown()

# %% [markdown]
# ## Q14. A third convolution block {#sec-q14}
#
# A third block of two convolutions and max-pooling (@fig-3b-arch) reduces the maps to
# `{python} shape("tiny_vgg_3blocks", "block3_pool")`
# before flatten, so the dense layer shrinks and the network has fewer parameters
# (`{python} present.count(trainable["tiny_vgg_3blocks"])` against `{python} present.count(trainable["tiny_vgg"])`, @tbl-params), while each unit of
# the last block sees a larger part of the image.

# %%
#| label: tbl-params
#| tbl-cap: "Trainable parameters per layer of the tiny VGG and the three-block variant (layers without parameters left out)."
r.evidence.parameters_markdown(("tiny_vgg", "tiny_vgg_3blocks"))

# %%
#| label: fig-3b-arch
#| fig-cap: "Tiny VGG with a third convolution block."
viz_architecture.architecture(layer_table(models["tiny_vgg_3blocks"]));

# %% [markdown]
# Its test accuracy is **`{python} r.pm("tiny_vgg_3blocks")`**. `{python} r.verdict("tiny_vgg_3blocks")`
#
# `{python} r.fit_text("tiny_vgg_3blocks")` @fig-3b-curves shows its curves.

# %%
#| label: fig-3b-curves
#| fig-cap: "Tiny VGG, three blocks: loss and accuracy per epoch, mean ± std over seeds; panels and ranges as in @fig-curves-one."
viz.curve_bands(r.results.histories("tiny_vgg_3blocks"), r.label("tiny_vgg_3blocks"), r.curve_limits);

# %% [markdown]
# ## Q15. A tiny ResNet {#sec-q15}
#
# The tiny ResNet (@fig-res-arch) starts with a 7 × 7 convolution, BatchNormalization, ReLU and 2 × 2
# max-pooling; then come two blocks of two 3 × 3 convolutions without pooling, each with a residual
# connection (an addition) from the block's input to its output and the block's last ReLU after the
# addition; before flatten, average pooling over
# `{python} " × ".join(map(str, models["tiny_resnet"].get_layer("avg_pool").pool_size))` windows takes the `{python} shape("tiny_resnet", "block2_relu", False)` maps to `{python} shape("tiny_resnet", "avg_pool", False)`. It has
# `{python} present.count(trainable["tiny_resnet"])` trainable parameters (and
# `{python} present.count(statistics["tiny_resnet"])` running statistics). Its test accuracy is **`{python} r.pm("tiny_resnet")`**.
# `{python} r.verdict("tiny_resnet")` Residual connections were introduced for very deep networks, whose
# training accuracy otherwise gets worse as layers are added even with BatchNormalization (the degradation
# problem), by letting each block learn a correction to its input [@he2016resnet]; with two blocks there is
# little degradation to fix, so a small gain or none is what to expect.
#
# **What this comparison can attribute.** The tiny ResNet differs from the tiny VGG in more than its
# shortcuts: the 7 × 7 stem, the BatchNormalization in it, blocks without pooling, the average pooling before
# flatten and the number of trainable parameters (`{python} present.count(trainable["tiny_resnet"])` against
# `{python} present.count(trainable["tiny_vgg"])`) all change at once. Whatever difference its runs show
# belongs to the whole design, not to the residual connections alone: isolating those would take the same
# network without the additions (a plain twin), which the assignment does not ask for and these runs do not
# include.
#
# `{python} r.fit_text("tiny_resnet")` @fig-res-curves shows its curves.
#
# **Robustness.** `{python} r.evidence.outlier_text("tiny_resnet")` @fig-res-seed shows that seed's curves
# against the others'. `{python} r.evidence.outlier_curves_text("tiny_resnet")`
#
# Its stem has a BatchNormalization layer. `{python} r.batchnorm_text("tiny_resnet")`
#
# `{python} r.statistics_gap.summary_text("tiny_resnet")` `{python} r.statistics_gap.seed_text("tiny_resnet", r.evidence.lowest_seed("tiny_resnet"))`
# `{python} r.statistics_gap.relation_text()`

# %%
#| label: fig-res-arch
#| fig-cap: "Tiny ResNet: 7 × 7 stem, two residual blocks (curved arrows: the shortcuts), average pooling."
viz_architecture.architecture(layer_table(models["tiny_resnet"]));

# %%
#| label: fig-res-curves
#| fig-cap: "Tiny ResNet: loss and accuracy per epoch, mean ± std over seeds; panels and ranges as in @fig-curves-one."
viz.curve_bands(r.results.histories("tiny_resnet"), r.label("tiny_resnet"), r.curve_limits);

# %%
#| label: fig-res-seed
#| fig-cap: "Tiny ResNet: training loss, validation and test accuracy per epoch of its lowest seed (red) against each of its other seeds (grey)."
from cnnlab.evidence_figures import seed_against_others

seeds = [rec.config.seed for rec in r.results.runs["tiny_resnet"]]
seed_against_others(r.results.histories("tiny_resnet"), seeds, r.evidence.lowest_seed("tiny_resnet"));

# %% [markdown]
# ## All variants side by side {#sec-summary}
#
# @tbl-summary gathers the `{python} present.word(len(r.variants))` models; @tbl-compare the tests against the tiny VGG; @fig-all-seeds
# every seed's test accuracy and @fig-all-val the validation curves. `{python} r.leader_text()`
# (for each difference, Sections [-@sec-q13] to [-@sec-q15] give the smallest one its seeds could have detected).
# `{python} r.synthesis_text()` `{python} r.early_stopping_text()` The seconds per epoch of @tbl-summary were measured while other runs shared
# the machine, so they do not enter this comparison.

# %%
#| label: tbl-summary
#| tbl-cap: "All variants over seeds: trainable parameters and non-trainable ones (BatchNorm's running statistics), test accuracy on the full test set (mean ± std, then median and interquartile range) and on its exact subset (mean ± std), seconds per epoch (the mean of each run's median), epoch of the lowest validation loss (mean ± std), and the final weights' training − validation accuracy gap in inference mode (pp, mean ± std, as in @tbl-modes). The runs were timed while other runs shared the machine's cores, so seconds per epoch compare variants only roughly."
r.summary_markdown()

# %%
#| label: tbl-compare
#| tbl-cap: "Each variant against the tiny VGG, on the full test set and on its exact subset: difference of mean test accuracy (pp) with its 95 % interval, Welch's t-test, Mann–Whitney's rank test, Hedges' g, ratio of standard deviations and Levene's test. Test images: the full test set or its exact subset. Each p is given raw and, in brackets, after Holm's correction within its family: the three variants compared with the same test on the same test images."
r.comparison_markdown()

# %%
#| label: fig-all-seeds
#| fig-cap: "Test accuracy of every seed (dots) and mean ± std (black) for each variant."
viz_scores.seed_scatter(r.table, labels=r.labels);

# %%
#| label: fig-all-val
#| fig-cap: "Validation accuracy per epoch, mean ± std over seeds, one panel per variant; each panel repeats the other variants' means as thin lines in the colours of their own panels, and its y axis starts where the variants begin to differ."
viz.variant_curves({v: r.results.histories(v) for v in r.variants}, labels=r.labels);

# %%
#| include: false
from cnnlab import per_class as classes
from cnnlab.confusion import most_confused
from cnnlab.data import CLASS_NAMES

per_class, confusions = r.per_class(), r.confusion("tiny_vgg")
base_means = per_class["tiny_vgg"].mean(axis=0)
best_class, worst_class = CLASS_NAMES[int(base_means.argmax())], CLASS_NAMES[int(base_means.argmin())]
true_class, taken_for, rate = most_confused(confusions)

# %% [markdown]
# ## Per-class accuracy and errors {#sec-errors}
#
# Per class (@fig-per-class, @tbl-per-class; full test set), the tiny VGG's mean accuracy is highest on
# `{python} best_class` (`{python} present.pct(base_means.max(), 1)`) and lowest on `{python} worst_class`
# (`{python} present.pct(base_means.min(), 1)`).
# `{python} classes.spread_text(per_class, "tiny_vgg", r.summary("tiny_vgg").std, len(set(r.facts["test_per_class"])) == 1)` Each variant's ten
# per-class differences from the tiny VGG make one family, Holm-corrected over the classes.
# `{python} classes.text(per_class, "tiny_vgg", r.labels)`
#
# @fig-misclassified shows test images the tiny VGG's first seed got wrong, and @fig-confusion where its
# errors go, summed over its seeds: the most frequent confusion is `{python} CLASS_NAMES[true_class]` taken for
# `{python} CLASS_NAMES[taken_for]` (`{python} present.pct(rate, 1)` of the `{python} CLASS_NAMES[true_class]`
# images).

# %%
#| label: tbl-per-class
#| tbl-cap: "Per-class test accuracy of the tiny VGG (mean ± std over seeds) and each variant's difference from it (pp; a difference significant after Holm's correction over the ten classes is set in bold, and the last row counts them)."
classes.table(per_class, "tiny_vgg", r.labels)

# %%
#| label: fig-per-class
#| fig-cap: "Per-class test accuracy on the full test set, mean (dot) ± std over seeds, for each variant."
viz_scores.per_class_accuracy(per_class, labels=r.labels);

# %%
#| label: fig-misclassified
#| fig-cap: "The first test images, by index, that the tiny VGG (first seed) misclassifies: true class → predicted class."
viz_images.misclassified(r.data.x_test, r.data.y_test, r.predictions("tiny_vgg"));

# %%
#| label: fig-confusion
#| fig-cap: "Confusion matrix of the tiny VGG on the test set, summed over its seeds (percent of each true class). The colours scale the confusions alone; the correct answers on the diagonal (bold, on grey) are left out of the scale so that the confusions stand out."
viz_scores.confusion(confusions);
