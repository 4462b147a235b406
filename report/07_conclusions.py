# %% [markdown]
# # Conclusions {#sec-conclusions}

# %%
#| include: false
from IPython.display import Markdown

from cnnlab import present, verdict_table
from cnnlab.chapter import open_report
from cnnlab.power import POWER, detectable_difference

r = open_report()
e, claims, acc = r.evidence, r.claims, r.summary("tiny_vgg")
resolved = detectable_difference(acc.std, acc.n)  # what 10 seeds per variant resolve, at the tiny VGG's spread
params = {v: int(r.table.loc[r.table["variant"] == v, "trainable_parameters"].iloc[0]) for v in r.variants}
columns = verdict_table.columns(claims)  # Q13-Q15: each variant's verdicts, as in the table below
variants = ("tiny_vgg_bn", "tiny_vgg_3blocks", "tiny_resnet")
plain = {v: verdict_table.plain_text(columns[v], claims.base) if v in columns else claims.verdict(v) for v in variants}

# %% [markdown]
# **Q6–Q8, training and its curves (Sections [-@sec-q6] and [-@sec-q8]).** `{python} r.training_text()`
#
# **Q9, robustness of the tiny VGG.** Over `{python} acc.n` seeds the tiny VGG reaches
# `{python} r.pm("tiny_vgg")` on the full test set (95 % interval `{python} present.ci(acc)` %) and
# `{python} r.pm("tiny_vgg", "test_exact_accuracy", with_n=False)` on its exact first
# `{python} present.count(e.exact_images)` images. Its best and worst seeds lie
# `{python} present.points(acc.maximum - acc.minimum, 2)` pp apart, so one run per variant could not settle
# a comparison; every answer below rests on all the seeds: with `{python} acc.n` seeds per
# variant, a difference in mean of `{python} present.points(resolved, 2)` pp is detected with
# `{python} present.pct(POWER, 0)` power between two variants that spread as little as the tiny VGG
# (@sec-q9). `{python} r.seed_study.conclusion_text()`
#
# **Q11–Q12, the first-layer filters.** `{python} r.filters.conclusion_text()`
#
# **Q13–Q15, the variants.** @tbl-verdicts sets each variant against the tiny VGG, measure by measure; the
# tests behind every cell are in @tbl-compare and Sections [-@sec-q13] to [-@sec-q15].

# %%
#| include: false
change = {v: claims.spread_change(v) for v in claims.batchnorm_variants}  # what recomputing does to the spread
change = {v: f"With its statistics recomputed, {c[0].lower()}{c[1:]}" for v, c in change.items()}
spread = {v: " ".join(filter(None, (e.outlier_brief(v), change.get(v, "")))) for v in variants}

# %%
#| label: tbl-verdicts
#| tbl-cap: "Each variant against the tiny VGG: the verdict after Holm's correction (bold where significant; “not shown” where these seeds cannot tell), then the difference (variant − tiny VGG, pp) with its 95 % interval (not adjusted for the correction, so it can leave out 0 where the verdict is “not shown”), for the test accuracy as trained, the spread over seeds (ratio of standard deviations with its F interval; verdict from Levene's test; † the F interval alone excludes equal spreads), the training − validation gap in inference mode, and the test accuracy with BatchNorm's statistics recomputed (exploratory, @sec-q13). The p-values are in @tbl-compare and Section 5's text."
Markdown(verdict_table.verdict_markdown(list(columns.values())))

# %% [markdown]
# **Q13, BatchNormalization (@sec-q13).** `{python} plain["tiny_vgg_bn"]` `{python} spread["tiny_vgg_bn"]`
# `{python} claims.deficit_split("tiny_vgg_bn")` `{python} r.exact_deficit.brief("tiny_vgg_bn")`
# `{python} r.seed_study.deficit_conclusion()`
#
# **Q14, a third block (@sec-q14).** `{python} plain["tiny_vgg_3blocks"]` `{python} spread["tiny_vgg_3blocks"]` The third block
# `{python} "removes parameters rather than adding them" if params["tiny_vgg_3blocks"] < params["tiny_vgg"] else "adds parameters"`,
# `{python} present.count(params["tiny_vgg_3blocks"])` against
# `{python} present.count(params["tiny_vgg"])` (@tbl-params), because the dense layer after it reads a
# smaller map, and it widens what each unit of the last block sees; these runs cannot tell which of the two
# changes causes what they show.
#
# **Q15, a tiny ResNet (@sec-q15).** `{python} plain["tiny_resnet"]` `{python} spread["tiny_resnet"]`
# Its stem, pooling and size differ from the tiny VGG's as well as its shortcuts, so these runs say what the
# whole design does, not what residual connections alone do.
#
# **Overall.** `{python} claims.overall_text()`
