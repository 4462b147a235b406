# %% [markdown]
# # The tiny VGG {#sec-model}

# %%
#| include: false
from IPython.display import Markdown

from cnnlab import present, viz_architecture
from cnnlab.chapter import open_report
from cnnlab.models import build_model, layer_table, sequential_listing
from cnnlab.quiet import import_keras

r = open_report()
keras = import_keras()
vgg = build_model("tiny_vgg", r.protocol.width)
adam = keras.optimizers.Adam(learning_rate=r.protocol.learning_rate).get_config()

# %% [markdown]
# ## Q4. Architecture {#sec-q4}
#
# VGG-16 [@simonyan2014vgg] stacks five blocks of 3 × 3 convolutions, each block ending in
# 2 × 2 max-pooling. The tiny VGG keeps the pattern with two blocks: each block is two convolutions
# with `{python} r.protocol.width` filters of size 3 × 3, padding "same" and ReLU, followed by
# 2 × 2 max-pooling, which halves the height and width. After two blocks the
# `{python} " × ".join(map(str, vgg.get_layer("block2_pool").output.shape[1:]))` feature maps are
# flattened into `{python} present.count(vgg.get_layer("flatten").output.shape[-1])` values and a
# dense layer with a softmax gives the ten class probabilities. @tbl-vgg-layers lists the layers and
# @fig-vgg-arch draws them. The network has `{python} present.count(vgg.count_params())` trainable
# parameters, `{python} present.pct(layer_table(vgg)[-1]["parameters"] / vgg.count_params(), 0)` of them
# in the final dense layer; @sec-q5 gives the network in plain Keras.

# %%
#| label: tbl-vgg-layers
#| tbl-cap: "Layers of the tiny VGG: output shape (without the batch axis) and parameters."
r.layer_markdown("tiny_vgg")

# %%
#| label: fig-vgg-arch
#| fig-cap: "The tiny VGG, left to right; a box is taller the larger the layer's output map."
viz_architecture.architecture(layer_table(vgg));

# %% [markdown]
# ## Q5. Compilation with Adam {#sec-q5}
#
# The model is compiled with the Adam optimizer [@kingma2015adam] at Keras's default settings: learning rate
# `{python} present.sig(adam["learning_rate"])`, β₁ = `{python} present.sig(adam["beta_1"])`,
# β₂ = `{python} present.sig(adam["beta_2"])` and ε = `{python} present.sig(adam["epsilon"])`. The loss is sparse categorical cross-entropy (integer labels,
# @sec-q3) and the reported metric is accuracy. Adam adapts a step size per parameter from running
# estimates of the gradient's first and second moments; its default learning rate was not tuned for any of
# the `{python} present.word(len(r.labels))` variants. The same optimizer settings and seeds are used everywhere,
# so the variants differ only in their architecture, though a learning rate tuned for each might rank
# them differently. In plain Keras (`layers` is `keras.layers`; the runs build the same layers with a loop over
# the blocks, and name them as in @tbl-vgg-layers), the tiny VGG is built and compiled as:

# %%
compiled = (
    f"model.compile(optimizer=keras.optimizers.Adam(learning_rate={present.sig(adam['learning_rate'])}),\n"
    '              loss="sparse_categorical_crossentropy", metrics=["accuracy"])'
)
Markdown(f"```python\n{sequential_listing(vgg)}\n{compiled}\n```")
