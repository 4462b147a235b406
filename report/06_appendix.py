# %% [markdown]
# # Data and provenance {#sec-appendix}

# %%
#| include: false
import pandas as pd
from IPython.display import Markdown

from cnnlab import present
from cnnlab.chapter import LABELS, open_report
from cnnlab.data import EXACT_TEST_IMAGES

r = open_report()
records = [rec for runs in r.results.runs.values() for rec in runs]
versions = records[0].metadata["versions"]
commits = sorted({str(rec.metadata.get("git_commit")) for rec in records})
hours = sum(rec.metadata["duration_s"] for rec in records) / 3600
started = present.moment(min(rec.metadata["started_at"] for rec in records))
finished = present.moment(max(rec.metadata["finished_at"] for rec in records))
exact_gap = (r.table["test_exact_accuracy"] - r.table["test_accuracy"]).mean()
resumed = sum(bool(rec.metadata.get("resumed_at_epochs")) for rec in records)
resumed_text = (f"{present.count_of(resumed, 'run was', 'runs were')} interrupted and resumed from the checkpoint of the last finished epoch, "
                "which gives the numbers of an uninterrupted run (Adam's state is saved with the weights, and the "
                "batch order is the same at every epoch)." if resumed else "No run was interrupted.")

# %% [markdown]
# ## The test data {#sec-data-note}
#
# The runs used the images from `{python} r.data.source.split("/")[-1]` (data fingerprint `{python} r.facts["fingerprint"]`).
# When CIFAR-10 cannot be downloaded, cnnlab reads a local copy in the official format. The copy used
# here has the exact training set, but only the first `{python} present.count(EXACT_TEST_IMAGES)` test
# images are the original pixels: the other `{python} present.count(r.facts["n_test"] - EXACT_TEST_IMAGES)`
# were rebuilt from JPEG files (quality 75, a mean absolute error of about 6 of 255 per pixel) and are
# slightly blurred. The test accuracies in this report are therefore given on the full test set and on the
# exact first `{python} present.count(EXACT_TEST_IMAGES)` images; over all runs the exact subset scores
# `{python} present.pp(exact_gap)` percentage points against the full set, a difference that mixes
# the JPEG effect with the sampling noise of a 1,000-image subset. Comparisons between variants use the
# same test images for every run, so they are not affected.

# %% [markdown]
# ## Provenance {#sec-provenance}
#
# `{python} len(records)` runs took `{python} present.num(hours, 1)` hours of computing in all, between
# `{python} started` and `{python} finished`, with TensorFlow `{python} versions["tensorflow"]`,
# Keras `{python} versions["keras"]`, NumPy `{python} versions["numpy"]` and Python
# `{python} versions["python"]`, from cnnlab commit(s) `{python} ", ".join(c[:12] for c in commits)`.
# `{python} resumed_text`
# Each run's folder in `cache/` holds its configuration, per-epoch history, metrics, trained weights,
# test predictions, the executed run notebook and this metadata (@tbl-runs).

# %%
#| label: tbl-runs
#| tbl-cap: "Every run in this report: variant, seed, test accuracy, median seconds per epoch and wall-clock duration."
runs = pd.DataFrame({"variant": r.table["variant"].map(LABELS), "seed": r.table["seed"].astype(str),
                     "test accuracy": r.table["test_accuracy"].map(present.pct),
                     "s / epoch": r.table["seconds_per_epoch"].map(lambda s: present.num(s, 1)),
                     "duration (min)": r.table["duration_s"].map(lambda s: present.num(s / 60, 1))})
Markdown(present.markdown_table(runs))
