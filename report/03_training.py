# %% [markdown]
# # Training and evaluation {#sec-training}

# %%
#| include: false
import math

import numpy as np
import pandas as pd
from IPython.display import Markdown

from cnnlab import present, viz
from cnnlab.chapter import LABELS, open_report
from cnnlab.checkpoint import keras_epoch_orders

r = open_report()
p = r.protocol
base = r.table[r.table["variant"] == "tiny_vgg"]
first = r.record("tiny_vgg")
history = first.history()
acc = r.summary("tiny_vgg")
histories = r.results.histories("tiny_vgg")
val_loss_min = np.array([int(h["epoch"].iloc[h["val_loss"].argmin()]) for h in histories])
cv = acc.std / acc.mean if acc.n > 1 else math.nan
threads = first.metadata.get("threads")
thread_text = f"{threads} CPU thread{'s' if threads != 1 else ''} per run" if threads else "TensorFlow's default threads"
# Overfitting, read from the curves: the validation loss ends well above its minimum.
rising = sum(h["val_loss"].iloc[-1] > 1.05 * h["val_loss"].min() for h in histories)
if rising > len(histories) / 2:
    overfit_text = (f"In {rising} of {len(histories)} runs the validation loss ends more than 5 % above its minimum "
                    "while the training loss keeps falling: the network overfits in the later epochs.")
else:
    overfit_text = (f"The validation loss ends within 5 % of its minimum in {len(histories) - rising} of "
                    f"{len(histories)} runs: little overfitting within these epochs.")
test_minus_val = np.concatenate([h["test_accuracy"] - h["val_accuracy"] for h in histories])
offset, val_test_gap = test_minus_val.mean(), np.abs(test_minus_val).mean()
if offset < 0:
    offset_text = ("The validation split is a slightly optimistic stand-in for the test set; the test set's "
                   "JPEG-derived images (@sec-data-note) may account for part of the offset.")
else:
    offset_text = "The validation split is a fair stand-in for the test set."
# How the installed Keras shuffles under a fixed seed, observed rather than assumed.
orders = keras_epoch_orders(seed=first.config.seed)
if all(order == orders[0] for order in orders):
    order_text = ("Keras's `fit(shuffle=True)` shuffles the training part with a permutation drawn from the seed. "
                  "Under a fixed seed its TensorFlow backend draws the same permutation at every epoch (observed with "
                  "this report's Keras by recording the batches of a small seeded fit): a run visits its images in one "
                  "shuffled order, epoch after epoch, rather than in a new order each epoch as textbook mini-batch SGD "
                  "does. The runs keep this behaviour because it is what the assignment's seeded `model.fit` does; the "
                  "seed fixes both the initial weights and that order")
else:
    order_text = ("Keras's `fit(shuffle=True)` reshuffles the training part at every epoch; the seed fixes both the initial "
                  "weights and the sequence of batch orders")

# %% [markdown]
# ## Q6. Training protocol {#sec-q6}
#
# Every run trains for `{python} p.epochs` epochs with mini-batches of `{python} p.batch_size` images.
# Keras's `validation_split=`{python} p.validation_split`` holds out the *last*
# `{python} present.pct(p.validation_split, 0)` of the training arrays before shuffling:
# `{python} present.count(first.metrics["n_train"])` images are used for training and
# `{python} present.count(first.metrics["n_validation"])` for validation, i.e.
# `{python} math.ceil(first.metrics["n_train"] / p.batch_size)` gradient steps per epoch.
# `{python} order_text`. TensorFlow's deterministic kernels are switched on, so a run can be repeated
# exactly. After every
# epoch the validation set and the test set are evaluated on a copy of that epoch's weights (the test set
# for the curves of @sec-q8 only, never to choose anything).
# On this machine a typical epoch of the tiny VGG (the median of each run, averaged over runs) took
# `{python} present.num(base["seconds_per_epoch"].mean(), 1)` s (training, validation and test passes,
# `{python} thread_text`).

# %% [markdown]
# ## Q7. Test-set evaluation {#sec-q7}
#
# After its last epoch, the run with seed `{python} first.config.seed` reaches a test loss of
# `{python} present.num(first.metrics["test_loss"])` and a test accuracy of
# `{python} present.pct(first.metrics["test_accuracy"])` on the `{python} present.count(first.metrics["n_test"])`
# test images (`{python} present.pct(first.metrics["test_exact_accuracy"])` on the exact first
# `{python} present.count(first.metrics["n_test_exact"])`). Over all `{python} acc.n` seeds the test
# accuracy is `{python} r.pm("tiny_vgg")` and the test loss `{python} present.num(r.summary("tiny_vgg", "test_loss").mean)`
# on average (@sec-q9). The model is evaluated as it is after the last epoch; no epoch is chosen on
# validation or test data.

# %% [markdown]
# ## Q8. Learning curves {#sec-q8}
#
# @fig-curves-one shows the loss and accuracy per epoch of the run with seed `{python} first.config.seed`,
# on the training, validation and test sets; @fig-curves-band shows the mean and standard deviation of
# the same curves over all `{python} acc.n` seeds. The validation loss is lowest at epoch
# `{python} present.num(val_loss_min.mean(), 0)` on average (range `{python} val_loss_min.min()`–`{python} val_loss_min.max()`).
# `{python} overfit_text` At epoch `{python} p.epochs` the training accuracy exceeds the validation
# accuracy by `{python} present.points(base["final_gap"].mean(), 1)` percentage points on average. Averaged over epochs and
# seeds, the test accuracy curve runs `{python} present.points(abs(offset), 2)` percentage points
# `{python} "below" if offset < 0 else "above"` the validation curve (mean absolute distance
# `{python} present.points(val_test_gap, 2)` points). `{python} offset_text`

# %%
#| label: fig-curves-one
#| fig-cap: "Tiny VGG, one seed: loss and accuracy per epoch on the training, validation and test sets."
viz.run_curves(history);

# %%
#| label: fig-curves-band
#| fig-cap: "Tiny VGG over all seeds: mean (line) ± one standard deviation (band) per epoch."
viz.curve_bands(histories, "tiny VGG");

# %% [markdown]
# ## Q9. Robustness to the random initialisation {#sec-q9}
#
# The whole protocol was repeated with `{python} acc.n` seeds (@tbl-seeds). As mean ± sample standard
# deviation over the seeds, the test accuracy is **`{python} r.pm("tiny_vgg")`**; the 95 % confidence interval
# of the mean (Student's t) is `{python} present.ci(acc)` % and the seeds range from
# `{python} present.pct(acc.minimum)` to `{python} present.pct(acc.maximum)`. The standard deviation
# is `{python} present.pct(cv, 1)` of the mean and the best and worst seeds are
# `{python} present.points(acc.maximum - acc.minimum, 2)` percentage points apart
# (@fig-seeds): a single run can be off by about that much, so a claim about one architecture against
# another needs several seeds and a test, as in @sec-improvements, not a single run.

# %%
#| label: tbl-seeds
#| tbl-cap: "Tiny VGG, one row per seed: test accuracy (full test set and exact first 1,000 images), test loss, epoch of best validation accuracy."
rows = pd.DataFrame({"seed": base["seed"].astype(str),
                     "test accuracy": base["test_accuracy"].map(present.pct),
                     "exact 1,000": base["test_exact_accuracy"].map(present.pct),
                     "test loss": base["test_loss"].map(present.num),
                     "best val. acc. epoch": base["best_val_epoch"].astype(str)})
rows.loc[len(rows)] = [f"**mean ± std (n = {acc.n})**", f"**{present.pm(acc, with_n=False)}**",
                       r.pm("tiny_vgg", "test_exact_accuracy", with_n=False),
                       present.num(base["test_loss"].mean()), present.num(base["best_val_epoch"].mean(), 0)]
Markdown(present.markdown_table(rows))

# %%
#| label: fig-seeds
#| fig-cap: "Tiny VGG: test accuracy of each seed (dots) and mean ± standard deviation (black)."
#| out-width: 45%
viz.seed_scatter(base, labels=LABELS);
