# %% [markdown]
# # Inside the networks {#sec-visualisation}

# %%
#| include: false
from cnnlab import features, present, sentences, viz_images
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

# %% [markdown]
# ## Q10. Feature maps {#sec-q10}
#
# We pass test image \#`{python} image_index` (a `{python} CLASS_NAMES[label]`, which the run with seed
# `{python} record.config.seed` classifies as
# `{python} CLASS_NAMES[r.predictions("tiny_vgg")[image_index]]`) through the trained
# tiny VGG and keep the output of every layer except flatten and the dense layer. @fig-fmap-one shows
# filter `{python} filter_index + 1` of each layer, as in the assignment; @fig-fmap-all shows all
# `{python} r.protocol.width` filters of every layer. The first convolution responds to edges and
# colour contrasts at full resolution; each pooling halves the resolution, and deeper maps respond to
# larger, more abstract patterns. ReLU makes the maps sparse: `{python} present.pct(zeros["block1_conv1"], 0)`
# of the activations of `block1_conv1` are exactly zero for this image, and
# `{python} present.pct(zeros["block2_conv2"], 0)` of those of `block2_conv2`.

# %%
#| label: fig-fmap-one
#| fig-cap: "Feature maps of one filter in every convolution and pooling layer of the trained tiny VGG (first seed), for one test image. Each map has its own colour scale (viridis, dark = lowest, yellow = highest), whose range is given under it."
viz_images.feature_maps(maps, image, filter_index);

# %%
#| label: fig-fmap-all
#| fig-cap: "All feature maps of the trained tiny VGG (first seed) for the same image: one row per layer, one column per filter. Each map is scaled to its own range (dark = lowest, yellow = highest), so the panels show patterns, not magnitudes."
viz_images.all_feature_maps(maps);

# %% [markdown]
# ## Q11. First-layer weights {#sec-q11}
#
# The first convolution has `{python} kernel.shape[-1]` filters of
# `{python} kernel.shape[0]` × `{python} kernel.shape[1]` weights for each of the
# `{python} kernel.shape[2]` input channels. @fig-weights shows all of them on one colour scale
# (red positive, blue negative; weights from `{python} present.num(kernel.min(), 2)` to
# `{python} present.num(kernel.max(), 2)`). Within a filter the three channels' weights have an average
# correlation of `{python} present.num(corr, 2)`: `{python} sentences.correlation_reading(corr)`.
# With only 3 × 3 weights the filters cannot form the smooth oriented edges of a large network
# (@sec-q12); they are small difference operators.

# %%
#| label: fig-weights
#| fig-cap: "All first-layer weights of the trained tiny VGG (first seed): one column per filter, one row per input channel."
viz_images.first_layer_weights(kernel);

# %%
#| include: false
from cnnlab.evidence import resnet_source_text

resnet = features.load_resnet50()
resnet_kernel, resnet_bias = resnet.get_layer("conv1_conv").get_weights()
channel_corr = features.channel_correlation(resnet_kernel)
opponent = int((channel_corr < 0).sum())

# %% [markdown]
# ## Q12. The first layer of ResNet50 trained on ImageNet {#sec-q12}
#
# ResNet50 [@he2016resnet] with ImageNet weights [@deng2009imagenet] is loaded into its own variable, `resnet`, apart from the tiny VGG.
# `{python} resnet_source_text(resnet_kernel, resnet_bias)` Its first layer,
# `conv1_conv`, has `{python} resnet_kernel.shape[-1]` filters of `{python} resnet_kernel.shape[0]` ×
# `{python} resnet_kernel.shape[1]` × `{python} resnet_kernel.shape[2]` weights. Keras's ImageNet
# ResNet50 was converted from the original Caffe model and expects **BGR** input, so the kernel's
# channel axis is reversed before each filter is drawn as an RGB image (@fig-resnet), each scaled to
# \[0, 1\] on its own. In `{python} resnet_kernel.shape[-1] - opponent` filters the three colour channels
# are positively correlated on average (brightness detectors, which look grey: oriented edges and bars
# at several orientations and frequencies), and in `{python} opponent` they are anti-correlated
# (colour-opponent filters, such as green against magenta). The tiny VGG's channel correlation of
# `{python} present.num(corr, 2)` (@sec-q11) compares with `{python} present.num(channel_corr.mean(), 2)`
# here.

# %%
#| label: fig-resnet
#| fig-cap: "The first-layer filters of ImageNet ResNet50, channels reversed from BGR to RGB, each min-max scaled."
viz_images.rgb_filters(features.bgr_to_rgb(resnet_kernel));
