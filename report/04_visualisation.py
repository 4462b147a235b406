# %% [markdown]
# # Inside the networks {#sec-visualisation}

# %%
#| include: false
from cnnlab import features, present, sentences, tables, viz_images
from cnnlab.chapter import open_report
from cnnlab.data import CLASS_NAMES

r = open_report()
record, model = r.record("tiny_vgg"), r.trained_model("tiny_vgg")
image_index = 0  # the first test image: exact pixels in every copy of the data
image, label = r.data.x_test[image_index], int(r.data.y_test[image_index])
maps = features.activations(model, image)
filter_index = min(features.SHOWN_FILTER, r.protocol.width) - 1
zeros = {name: float((m == 0).mean()) for name, m in maps.items()}
kernel = features.first_layer_kernel(model)
corr = features.channel_correlation(kernel).mean()  # how colour-blind the filters are

# %%
#| include: false
import numpy as np
from IPython.display import Markdown

fields = features.receptive_fields(model)  # the patch of the image each layer's units depend on
sizes = ", ".join(f"{h} × {h}" for h in dict.fromkeys(m.shape[0] for m in maps.values()))
followed = features.map_correlations(maps, image, filter_index)  # Q10: what the shown filter's maps follow
f = r.filters  # Q11-Q12: the first-layer filters of every seed, trained and initial, and ResNet50's
kernels, shares, edges = f.trained, f.shares("colour share"), f.shares("edge share")
angles, initial_angles = (np.concatenate([features.edge_orientation(k) for k in ks]) for ks in (kernels, f.initial))
first_shares = shares[: kernel.shape[-1]]

# %% [markdown]
# ## Q10. Feature maps {#sec-q10}
#
# We pass test image \#`{python} image_index` (a `{python} CLASS_NAMES[label]`, which the run with seed
# `{python} record.config.seed` classifies as
# `{python} CLASS_NAMES[r.predictions("tiny_vgg")[image_index]]`) through the trained
# tiny VGG and keep the output of every layer except flatten and the dense layer. @fig-fmap-one shows
# filter `{python} filter_index + 1` of each layer, as in the assignment; @fig-fmap-all shows all
# `{python} r.protocol.width` filters of every layer. Each pooling halves the maps' height and width
# (`{python} sizes`), and the units of each layer depend on a larger patch of the image, their receptive
# field (from the kernel sizes and strides): `{python} sentences.receptive_text(fields)`. ReLU makes the maps sparse: `{python} present.pct(zeros["block1_conv1"], 0)`
# of the activations of `block1_conv1` are exactly zero for this image, and
# `{python} present.pct(zeros["block2_conv2"], 0)` of those of `block2_conv2`.
# `{python} sentences.map_reading_text(followed, filter_index + 1)`

# %%
#| label: fig-fmap-one
#| fig-cap: "Feature maps of filter 10 (the assignment's, counted from 1) in every convolution and pooling layer of the trained tiny VGG (first seed), for one test image. Each map has its own colour scale (viridis, dark = lowest, yellow = highest), whose range is given under it."
viz_images.feature_maps(maps, image, filter_index);

# %%
#| label: fig-fmap-all
#| fig-cap: "All feature maps of the trained tiny VGG (first seed) for the same image: one row per layer, one column per filter. Each map is scaled to its own range (dark = lowest, yellow = highest), so the panels show patterns, not magnitudes."
viz_images.all_feature_maps(maps);

# %%
#| label: tbl-map-follow
#| tbl-cap: "What the maps of the filter in @fig-fmap-one follow: per layer, Pearson's r of the map with the image's brightness (its luma) and with its edge strength (the Sobel gradient magnitude), both averaged down to the map's size; the last column names the one a map follows where either |r| is large (the text gives the bar)."
Markdown(tables.map_follow(followed))

# %% [markdown]
# ## Q11. First-layer weights {#sec-q11}
#
# The first convolution has `{python} kernel.shape[-1]` filters of
# `{python} kernel.shape[0]` × `{python} kernel.shape[1]` weights for each of the
# `{python} kernel.shape[2]` input channels. @fig-weights shows all of them on one colour scale
# (red positive, blue negative; weights from `{python} present.num(kernel.min(), 2)` to
# `{python} present.num(kernel.max(), 2)`). Within a filter the three channels' weights have an average
# correlation of `{python} present.num(corr, 2)`. How much of a filter is colour rather than brightness
# we measure by its *colour share*: the part of its squared weights that differs between the red, green
# and blue channels,
#
# $$\text{colour share} = \frac{\sum_{i,j,c} (w_{ijc} - \bar w_{ij})^2}{\sum_{i,j,c} w_{ijc}^2},$$
#
# where $w_{ijc}$ is the
# weight at position $(i, j)$ of channel $c$ and $\bar w_{ij}$ the mean of the three channels there. It is 0 for a filter that weighs the three channels alike, which sees brightness only
# and would be grey in an RGB picture such as @fig-resnet; 2/3 for one that looks at a single channel; 1 for one whose channels cancel at every
# position. The first seed's filters (@fig-weights) have colour shares from
# `{python} present.num(first_shares.min(), 2)` to `{python} present.num(first_shares.max(), 2)`; over the
# `{python} len(shares)` first-layer filters of all `{python} len(kernels)` seeds,
# `{python} sentences.colour_text(shares)`.
#
# A filter's brightness pattern $\bar w_{ij}$ we describe by its
# *edge share*: the part of its variation over the window that a linear ramp explains, the $R^2$ of the
# plane $a j + b i + c$ fitted to $\bar w_{ij}$ by least squares: 1 for a ramp (dark on one side, light on the
# other, evenly), less for a sharp step (3/4 in a 3 × 3 window), 0 for a pattern symmetric about the centre,
# such as a centred spot or line. Over the same filters `{python} sentences.edge_text(edges, angles)` (an
# edge is named by its own direction, across which the brightness changes); at initialisation,
# `{python} sentences.edge_text(f.shares("edge share", initial=True), initial_angles)`.
# `{python} f.yardstick_text()`
#
# Against each seed's own
# initial weights, `{python} f.change_text("edge share")`, and `{python} f.change_text("colour share")`. The
# signed-rank test is Wilcoxon's [@wilcoxon1945], taken over the seeds, whose weights are drawn independently.
# `{python} f.movement_text()`
# `{python} f.redrawn_note`

# %%
#| label: fig-weights
#| out-width: 70%
#| fig-cap: "All first-layer weights of the trained tiny VGG (first seed): one column per filter, one row per input channel."
viz_images.first_layer_weights(kernel);

# %%
#| include: false
from cnnlab.evidence import resnet_source_text

resnet = r.resnet50  # ImageNet ResNet50 in its own variable (features.load_resnet50), apart from the tiny VGG
resnet_kernel, resnet_bias = resnet.get_layer("conv1_conv").get_weights()
channel_corr = features.channel_correlation(resnet_kernel)
opponent = int((channel_corr < 0).sum())
resnet_shares = features.colour_share(resnet_kernel)  # the same for BGR or RGB order
faint = features.relative_scale(resnet_kernel) < 0.1  # filters the figure's own scaling enlarges most

# %% [markdown]
# ## Q12. The first layer of ResNet50 trained on ImageNet {#sec-q12}
#
# ResNet50 [@he2016resnet] is built in its own variable, `resnet`, apart from the tiny VGG; Q12 looks only at
# its first layer, which holds Keras's ImageNet weights [@deng2009imagenet].
# `{python} resnet_source_text(resnet_kernel, resnet_bias)` Its first layer,
# `conv1_conv`, has `{python} resnet_kernel.shape[-1]` filters of `{python} resnet_kernel.shape[0]` ×
# `{python} resnet_kernel.shape[1]` × `{python} resnet_kernel.shape[2]` weights. Keras's ImageNet
# ResNet50 was converted from the original Caffe model and expects **BGR** input, so the kernel's
# channel axis is reversed before each filter is drawn as an RGB image (@fig-resnet), each scaled to
# \[0, 1\] on its own; the title gives its largest weight as a fraction of the layer's largest, and
# `{python} present.count_of(int(faint.sum()), "filter stays", "filters stay")` under a tenth: their strong
# colours in the figure are near-zero weights enlarged. In `{python} resnet_kernel.shape[-1] - opponent` filters the three colour channels'
# weights are positively correlated on average and in `{python} opponent` anti-correlated; their mean
# correlation is `{python} present.num(channel_corr.mean(), 2)`, against `{python} present.num(corr, 2)` for
# the tiny VGG's first seed (@sec-q11). By the colour share of @sec-q11, over its
# `{python} len(resnet_shares)` filters `{python} sentences.colour_text(resnet_shares)`:
# `{python} f.resnet_text()`.
# The test is taken over the tiny VGG's seeds, whose weights are drawn independently, not over the filters of
# one network, and takes the one median of ResNet50 as fixed; the two networks also differ in kernel size and
# training data, so it describes them, and does not say which difference makes the colour.

# %%
#| label: fig-resnet
#| out-width: 80%
#| fig-cap: "The first-layer filters of ImageNet ResNet50, channels reversed from BGR to RGB, each min-max scaled on its own; above each, its number and its largest absolute weight as a fraction of the layer's largest."
viz_images.rgb_filters(features.bgr_to_rgb(resnet_kernel), columns=12);
