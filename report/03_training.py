# %% [markdown]
# # Training and evaluation {#sec-training}

# %%
#| include: false
import math

from cnnlab import present, sentences, viz, viz_scores
from cnnlab.chapter import open_report
from cnnlab.data import EXACT_TEST_IMAGES
from cnnlab.determinism import keras_epoch_orders

r = open_report()
p, first, acc, q8 = r.protocol, r.record("tiny_vgg"), r.summary("tiny_vgg"), r.curves("tiny_vgg")
base, histories = r.table[r.table["variant"] == "tiny_vgg"], r.results.histories("tiny_vgg")
cv = acc.std / acc.mean if acc.n > 1 else math.nan
n_fit = int(first.metrics["n_train"])  # how the installed Keras shuffles as many samples as the runs, observed
orders = keras_epoch_orders(first.config.seed, samples=n_fit, epochs=3, batch_size=p.batch_size)
same_order = all(order == orders[0] for order in orders)

# %% [markdown]
# ## Q6. Training protocol {#sec-q6}
#
# Every run trains for `{python} p.epochs` epochs with mini-batches of `{python} p.batch_size` images.
# Keras's fit, asked for a validation split of `{python} p.validation_split`, holds out the *last*
# `{python} present.pct(p.validation_split, 0)` of the training arrays before shuffling:
# `{python} present.count(first.metrics["n_train"])` images are used for training and
# `{python} present.count(first.metrics["n_validation"])` for validation (holding
# `{python} sentences.class_balance_text(r.data.y_train[-first.metrics["n_validation"]:])`), i.e.
# `{python} math.ceil(first.metrics["n_train"] / p.batch_size)` gradient steps per epoch.
# `{python} sentences.order_text(same_order)` (@sec-reshuffle tests whether that matters).
# `{python} sentences.orders_text(orders, first.config.seed, p.batch_size, n_fit)` TensorFlow's deterministic kernels are switched
# on, so a run can be repeated exactly. After every
# epoch the validation set and the test set are evaluated on a copy of that epoch's weights (the test set
# for the curves of @sec-q8 only, never to choose anything).
# On the machine that trained the runs, a typical epoch of the tiny VGG (the median of each run, averaged over runs) took
# `{python} present.num(base["median_epoch_seconds"].mean(), 1)` s (training, validation and test passes,
# `{python} sentences.threads_text(first.metadata.get("threads"))`).

# %% [markdown]
# ## Q7. Test-set evaluation {#sec-q7}
#
# Every test accuracy is given twice, on the full test set and on its exact first
# `{python} present.count(EXACT_TEST_IMAGES)` images (@sec-data-note says why). After its last epoch, the run
# with seed `{python} first.config.seed` reaches a test loss of
# `{python} present.num(first.metrics["test_loss"])` and a test accuracy of
# `{python} present.pct(first.metrics["test_accuracy"])` on the `{python} present.count(first.metrics["n_test"])`
# test images (`{python} present.pct(first.metrics["test_exact_accuracy"])` on the exact first
# `{python} present.count(first.metrics["n_test_exact"])`). Over all `{python} acc.n` seeds the test
# accuracy is `{python} r.pm("tiny_vgg")` and the test loss `{python} r.num_pm("tiny_vgg", "test_loss")`
# (mean ± std; @sec-q9). The model is evaluated as it is after the last epoch; no epoch is chosen on
# validation or test data.

# %% [markdown]
# ## Q8. Learning curves {#sec-q8}
#
# @fig-curves-one shows the loss and accuracy per epoch of the run with seed `{python} first.config.seed`,
# on the training, validation and test sets; @fig-curves-band shows the mean and standard deviation of
# the same curves over all `{python} acc.n` seeds; their right panels show the validation and test loss and
# accuracy late in training on scales of their own.
#
# **Overfitting and early stopping.** `{python} r.evidence.stopping_text()` @tbl-stopping gives the same
# readings for every variant, and @sec-summary compares them.
#
# **The gap between training and validation.** `{python} r.evidence.gap_measures_text()`
#
# **Validation against test.** Averaged over epochs and
# seeds, the test accuracy curve runs `{python} present.points(abs(q8.offset), 2)` pp
# `{python} "below" if q8.offset < 0 else "above"` the validation curve (mean absolute distance
# `{python} present.points(q8.distance, 2)` pp). `{python} r.evidence.offset_text()`

# %%
#| label: fig-curves-one
#| fig-cap: "Tiny VGG, one seed: loss and accuracy per epoch (training: Keras's average over each epoch's batches; validation, test); right: validation and test late in training (from the epoch in the title), on the same ranges in every curve figure."
viz.run_curves(first.history(), f"tiny VGG: seed {first.config.seed}", limits=r.curve_limits);

# %%
#| label: fig-curves-band
#| fig-cap: "Tiny VGG over all seeds: mean (line) ± one standard deviation (band) per epoch; panels and ranges as in @fig-curves-one."
viz.curve_bands(histories, "tiny VGG", limits=r.curve_limits);

# %%
#| label: tbl-stopping
#| tbl-cap: "Every variant's curves, mean ± std over seeds: epoch of the lowest validation loss, how far the validation and test losses rise after their minima by the last epoch, epoch of the best validation accuracy, and the test accuracy (full set) at that epoch against the last epoch's, which the protocol keeps."
r.evidence.stopping_markdown()

# %% [markdown]
# ## Q9. Robustness to the seed: initial weights and order {#sec-q9}
#
# The whole protocol was repeated with `{python} acc.n` seeds (@tbl-seeds). As mean ± sample standard
# deviation over the seeds, the test accuracy is **`{python} r.pm("tiny_vgg")`**; the 95 % confidence interval
# of the mean [from Student's t distribution, @student1908] is `{python} present.ci(acc)` % and the seeds range from
# `{python} present.pct(acc.minimum)` to `{python} present.pct(acc.maximum)`. The standard deviation
# (`{python} present.points(acc.std, 2)` pp) is `{python} present.num(cv, 3)` times the mean (its coefficient of
# variation) and the best and worst seeds are
# `{python} present.points(acc.maximum - acc.minimum, 2)` pp apart
# (@fig-seeds): one of them lands `{python} present.points(max(acc.maximum - acc.mean, acc.mean - acc.minimum), 2)`
# pp from the mean of the `{python} acc.n` seeds, so a claim about one architecture against
# another needs several seeds and a test, as in @sec-improvements, not a single run.
# `{python} r.evidence.power_text()`

# %%
#| label: tbl-seeds
#| tbl-cap: "Tiny VGG, one row per seed: test accuracy (full test set and its exact subset), test loss, epoch of best validation accuracy."
r.seeds_markdown("tiny_vgg")

# %%
#| label: fig-seeds
#| fig-cap: "Tiny VGG: test accuracy of each seed (dots, numbered by seed) and their mean ± standard deviation (black)."
viz_scores.seed_strip(base["test_accuracy"].to_numpy(), base["seed"].to_numpy());

# %%
#| include: false
from cnnlab.evidence_figures import seed_dots, study_dots

study = r.seed_study

# %% [markdown]
# ### What the spread over seeds is made of {#sec-seed-sources}
#
# In these runs the seed fixes two things: the initial weights and the order in which the training images
# are visited (one order for all epochs, @sec-q6). Two further groups of tiny VGG runs take them apart:
# one varies only the initial weights (the order of seed 0 for every run), the other only the order (the
# initial weights of seed 0); the protocol's runs vary both (@tbl-seed-sources, @fig-seed-study).
# `{python} study.counts_text()`
#
# `{python} study.spread_text()`

# %%
#| label: tbl-seed-sources
#| tbl-cap: "Tiny VGG's test accuracy when only the initial weights, only the order of the training images, or both (the protocol) change with the seed: mean ± std over seeds and the 95 % interval of the standard deviation (chi-square), on the full test set and on its exact 1,000 images. n: the runs per group."
study.spread_markdown()

# %%
#| label: fig-seed-study
#| fig-cap: "The seed study, one dot per seed (bars: mean ± one standard deviation; n: runs per group; ring: the protocol's seed-0 run, which the first three rows share): tiny VGG with only the initial weights, only the order, or both varied, and with a new order every epoch; +BatchNorm with the fixed order and with a new order every epoch."
seed_dots(*study_dots(study))
