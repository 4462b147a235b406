# %% [markdown]
# # Inside the networks {#sec-visualisation}

# %%
#| include: false
import numpy as np

from cnnlab import present, viz
from cnnlab.chapter import open_report
from cnnlab.data import CLASS_NAMES
from cnnlab.features import RESNET_ENV, activations, bgr_to_rgb, first_layer_kernel, load_resnet50

r = open_report()
record = r.record("tiny_vgg")
model = r.trained_model("tiny_vgg")
image_index = 0  # the first test image: exact pixels in every copy of the data
image, label = r.data.x_test[image_index], int(r.data.y_test[image_index])
predicted = int(r.predictions("tiny_vgg")[image_index])
maps = activations(model, image)
filter_index = min(9, r.protocol.width - 1)  # the assignment shows the 10th filter
zeros = {name: float((m == 0).mean()) for name, m in maps.items()}
kernel = first_layer_kernel(model)
# How colour-blind are the filters? Correlation of each filter's R, G and B weights, averaged.
corr = np.mean([np.corrcoef(kernel[:, :, :, f].reshape(-1, 3).T)[np.triu_indices(3, 1)].mean()
                for f in range(kernel.shape[-1])])

# %% [markdown]
# ## Q10. Feature maps {#sec-q10}
#
# We pass test image \#`{python} image_index` (a `{python} CLASS_NAMES[label]`, which the run with seed
# `{python} record.config.seed` classifies as `{python} CLASS_NAMES[predicted]`) through the trained
# tiny VGG and keep the output of every layer except flatten and the dense layer. @fig-fmap-one shows
# filter `{python} filter_index + 1` of each layer, as in the assignment; @fig-fmap-all shows all
# `{python} r.protocol.width` filters of every layer. The first convolution responds to edges and
# colour contrasts at full resolution; each pooling halves the resolution, and deeper maps respond to
# larger, more abstract patterns. ReLU makes the maps sparse: `{python} present.pct(zeros["block1_conv1"], 0)`
# of the activations of `block1_conv1` are exactly zero for this image, and
# `{python} present.pct(zeros["block2_conv2"], 0)` of those of `block2_conv2`.

# %%
#| label: fig-fmap-one
#| fig-cap: "Feature maps of filter 10 in every convolution and pooling layer of the trained tiny VGG (first seed), for one test image."
viz.feature_maps(maps, image, filter_index);

# %%
#| label: fig-fmap-all
#| fig-cap: "All feature maps of the trained tiny VGG (first seed) for the same image: one row per layer, one column per filter."
viz.all_feature_maps(maps);

# %% [markdown]
# ## Q11. First-layer weights {#sec-q11}
#
# The first convolution has `{python} kernel.shape[-1]` filters of
# `{python} kernel.shape[0]` × `{python} kernel.shape[1]` weights for each of the
# `{python} kernel.shape[2]` input channels. @fig-weights shows all of them on one colour scale
# (red positive, blue negative; weights from `{python} present.num(kernel.min(), 2)` to
# `{python} present.num(kernel.max(), 2)`). Within a filter the three channels' weights have an average
# correlation of `{python} present.num(corr, 2)`: `{python} "most filters look at brightness patterns the same way in all colours" if corr > 0.5 else "many filters weigh the colour channels differently, so they respond to colour contrasts as well as to brightness edges"`.
# With only 3 × 3 weights the filters cannot form the smooth oriented edges of a large network
# (@sec-q12); they are small difference operators.

# %%
#| label: fig-weights
#| fig-cap: "All first-layer weights of the trained tiny VGG (first seed): one column per filter, one row per input channel."
viz.first_layer_weights(kernel);

# %%
#| include: false
resnet = load_resnet50()
resnet_kernel = resnet.get_layer("conv1_conv").get_weights()[0]
channel_corr = np.array([np.corrcoef(resnet_kernel[:, :, :, f].reshape(-1, 3).T)[np.triu_indices(3, 1)].mean()
                         for f in range(resnet_kernel.shape[-1])])
opponent = int((channel_corr < 0).sum())

# %% [markdown]
# ## Q12. The first layer of ResNet50 trained on ImageNet {#sec-q12}
#
# ResNet50 with ImageNet weights is loaded into its own variable, `resnet`, apart from the tiny VGG
# (`keras.applications.ResNet50(weights="imagenet")`; offline, `cnnlab` builds the same network and
# loads the real first-layer weights named by `{python} RESNET_ENV`; see the README). Its first layer,
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
#| fig-cap: "The 64 first-layer filters of ImageNet ResNet50 (7 × 7), channels reversed from BGR to RGB, each min-max scaled."
viz.rgb_filters(bgr_to_rgb(resnet_kernel));
