# %% [markdown]
# # Conclusions {#sec-conclusions}

# %%
#| include: false
from cnnlab import present
from cnnlab.chapter import open_report
from cnnlab.power import detectable_difference
from cnnlab.stats import summarize

r = open_report()
e = r.evidence
base_fit, three_fit = e.mode_mean("tiny_vgg", "train_inference"), e.mode_mean("tiny_vgg_3blocks", "train_inference")
acc, bn_fixed = r.summary("tiny_vgg"), summarize(r.recalibrated("tiny_vgg_bn"))
res_fixed, resolved = summarize(r.recalibrated("tiny_resnet")), detectable_difference(acc.std, acc.n)
params = {v: int(r.table.loc[r.table["variant"] == v, "parameters"].iloc[0]) for v in r.variants}

# %% [markdown]
# **Q9, robustness of the tiny VGG.** Over `{python} r.results.n("tiny_vgg")` seeds the tiny VGG reaches
# `{python} r.pm("tiny_vgg")` on the full test set and `{python} r.pm("tiny_vgg", "test_exact_accuracy", with_n=False)`
# on its exact first `{python} present.count(e.exact_images)` images. Its seeds lie
# `{python} present.points(acc.maximum - acc.minimum, 2)` percentage points apart, so every claim below
# rests on all the seeds; with that many, differences in mean of about
# `{python} present.points(resolved, 2)` percentage points or more are resolved (@sec-q9).
#
# **Q13, BatchNormalization.** `{python} e.conclusion("tiny_vgg_bn")` With its running statistics
# recomputed from training images, its full-set test accuracy is
# `{python} present.pm(bn_fixed, with_n=False)` against `{python} present.pm(r.summary("tiny_vgg"), with_n=False)` for the tiny VGG.
# Why it is lower (@tbl-modes): `{python} e.modes_text("tiny_vgg_bn", facts=False)`
#
# **Q14, a third block.** `{python} e.conclusion("tiny_vgg_3blocks")` The third block removes parameters
# rather than adding them: `{python} present.count(params["tiny_vgg_3blocks"])` against
# `{python} present.count(params["tiny_vgg"])`, because the dense layer after it reads a smaller map
# (@tbl-params). It fits its training images less closely (`{python} present.pct(three_fit)` of them
# classified correctly against `{python} present.pct(base_fit)`, with running statistics) and its
# training − validation gap is smaller (@tbl-modes). These runs show that fewer, differently placed
# parameters do as well on new images within what the seeds resolve; they cannot tell whether the smaller
# dense layer or the larger receptive field is the cause, since the third block changes both, and they
# say nothing about wider networks or networks trained with regularisation.
#
# **Q15, a tiny ResNet.** `{python} e.conclusion("tiny_resnet")` `{python} e.outlier_text("tiny_resnet")`
# With batch statistics instead of its running statistics, its test accuracy would be
# `{python} present.pct(e.mode_mean("tiny_resnet", "test_training"))` (@tbl-modes), and with its running
# statistics recomputed from training images `{python} present.pm(res_fixed, with_n=False)`, with a standard deviation over
# seeds of `{python} present.points(res_fixed.std, 2)` points against
# `{python} present.points(r.summary("tiny_resnet").std, 2)` as trained (@sec-q15).

# %%
#| label: tbl-params
#| tbl-cap: "Trainable parameters per layer of the tiny VGG and the three-block variant (layers without parameters left out)."
e.parameters_markdown(("tiny_vgg", "tiny_vgg_3blocks"))
