# %% [markdown]
# # Data {#sec-data}

# %%
#| include: false
from cnnlab import present, sentences, viz, viz_images
from cnnlab.chapter import open_report
from cnnlab.data import CLASS_NAMES, EXACT_TEST_IMAGES

r = open_report()
facts = r.facts
darkest = ("red", "green", "blue")[facts["channel_mean"].index(min(facts["channel_mean"]))]
balance = sentences.balance_text(facts["train_per_class"], facts["test_per_class"])
EXAMPLES_PER_CLASS = 8

# %%
#| include: false
import math

from cnnlab.data import preprocess
from cnnlab.features import first_layer_kernel
from cnnlab.train import initial_model

first = r.record("tiny_vgg")
start = initial_model(first.config)  # Q3: the first seed's network, untrained
initial = float(abs(first_layer_kernel(start)).max())
steps = initial * (1 - 1 / 255) / r.protocol.learning_rate  # Adam steps of about the learning rate, to shrink it
epoch_steps = math.ceil(first.metrics["n_train"] / r.protocol.batch_size)
x, y = preprocess(r.data.x_train[:1000]), r.data.y_train[:1000]
start_loss = {scale: start.evaluate(x * scale, y, verbose=0, return_dict=True)["loss"] for scale in (1, 255)}

# %%
r.banner()

# %% [markdown]
# ## Q1. The training and test sets {#sec-q1}
#
# CIFAR-10 [@krizhevsky2009cifar] holds small colour photographs of ten object classes. The training set has
# `{python} present.count(facts["n_train"])` images and the test set
# `{python} present.count(facts["n_test"])`; every image is
# `{python} " × ".join(map(str, facts["image_shape"]))` (height × width × RGB channels) with 8-bit
# pixel values from `{python} facts["pixel_min"]` to `{python} facts["pixel_max"]`.
# @tbl-counts gives the number of images per class: `{python} balance`.
# @sec-data-note says how the images were obtained and which test images are exact.

# %%
#| label: tbl-counts
#| tbl-cap: "Images per class in the training and test sets."
import pandas as pd
from IPython.display import Markdown

counts = pd.DataFrame({"class": list(CLASS_NAMES),
                       "training": [present.count(n) for n in facts["train_per_class"]],
                       "test": [present.count(n) for n in facts["test_per_class"]]})
counts.loc[len(counts)] = ["**total**", present.count(facts["n_train"]), present.count(facts["n_test"])]
Markdown(present.markdown_table(counts))

# %% [markdown]
# ## Q2. Example images {#sec-q2}
#
# @fig-examples shows `{python} present.word(EXAMPLES_PER_CLASS)` randomly drawn training images of each class, one class per row. At
# 32 × 32 pixels the objects are recognisable but coarse, often off-centre and against cluttered
# backgrounds; cats and dogs, or automobiles and trucks, look alike at this resolution.

# %%
#| label: fig-examples
#| fig-cap: "Random training images of each class (one row per class)."
viz_images.class_examples(r.data.x_train, r.data.y_train, per_class=EXAMPLES_PER_CLASS);

# %% [markdown]
# ## Q3. Preprocessing {#sec-q3}
#
# Two steps prepare the data:
#
# * **Pixel scaling.** The 8-bit values are converted to 32-bit floats and divided by 255, so every
#   input lies in \[0, 1\]. This changes only the scale: the inputs are not centred (their mean is about
#   `{python} present.num(sum(facts["channel_mean"]) / 3, 2)`, @tbl-pixels) and the channels are not
#   standardised. Keras's default initialisation [@glorot2010understanding] draws first-layer weights
#   whose size suits inputs of order one, so with scaled inputs the first layer's outputs start of order
#   one; with raw 0–255 inputs they would start 255 times larger. Measured on the first 1,000 training
#   images with the first seed's initial weights, the untrained network's cross-entropy is
#   `{python} present.num(start_loss[1], 2)` on scaled inputs, near the `{python} present.num(math.log(10), 2)`
#   of a uniform guess over ten classes, and `{python} present.num(start_loss[255], 2)` on raw ones: its first
#   predictions would be confidently wrong, with gradients to match. Adam's steps are about the learning rate
#   (`{python} present.num(r.protocol.learning_rate, 3)`) in size, so shrinking the largest first-layer
#   weight (`{python} present.num(initial, 2)`) 255-fold would take about
#   `{python} present.count(round(steps, -1))` steps, against `{python} epoch_steps` in one epoch. No run
#   here trains on raw inputs, so what they would cost by the end is not measured; scaled inputs start where
#   the initialisation and Adam's default step size expect them.
# * **Label encoding.** The labels stay integers 0–9 and the models are trained with *sparse*
#   categorical cross-entropy. This is the same loss as one-hot encoding the labels and using
#   categorical cross-entropy, without building a 10-column matrix.
#
# The per-channel statistics of the training pixels (@tbl-pixels) show that after scaling the inputs
# have means near `{python} present.num(sum(facts["channel_mean"]) / 3, 2)` and standard deviations
# near `{python} present.num(sum(facts["channel_std"]) / 3, 2)`; the `{python} darkest` channel is the
# darkest on average (@fig-pixels); the two ends of @fig-pixels rise to the pixels at pure black (0) and
# white (255), their shares printed beside them. We do not standardise per channel: the assignment asks for the usual scaling, and
# the BatchNormalization variant of Q13 normalises inside the network instead. No data augmentation
# is used, so every variant sees exactly the same training images.

# %%
#| label: tbl-pixels
#| tbl-cap: "Per-channel mean and standard deviation of the training pixels, raw (0–255) and scaled to [0, 1]."
stats = pd.DataFrame({"channel": ["red", "green", "blue"],
                      "mean (0–255)": [present.num(m * 255, 2) for m in facts["channel_mean"]],
                      "std (0–255)": [present.num(s * 255, 2) for s in facts["channel_std"]],
                      "mean [0, 1]": [present.num(m, 4) for m in facts["channel_mean"]],
                      "std [0, 1]": [present.num(s, 4) for s in facts["channel_std"]]})
Markdown(present.markdown_table(stats))

# %%
#| label: fig-pixels
#| fig-cap: "Distribution of raw pixel values per colour channel over the training set."
viz.pixel_histograms(r.data.x_train);
