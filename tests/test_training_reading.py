"""The conclusions' Q6–Q8 paragraph: each branch from statistics made up for it, and the curves' loss fall and
overfitting reading from made-up histories."""

from dataclasses import replace

import pandas as pd
import pytest

from cnnlab.curves import loss_fall, overfit_reading
from cnnlab.training_reading import Training, conclusion_text
from tests.test_evidence_sentences import _offsets
from tests.test_sentences import _summary
from tests.test_verdicts import _test


def _training(rise=0.029, rising=2, early=(0.0042, 0.02), gap=0.0876, exact=(-0.0026, 0.55), full=(0.0254, 0.001)):
    early_test = replace(_test(*early), ci_low=early[0] - 0.0035, ci_high=early[0] + 0.0035)  # an interval that agrees
    return Training(
        100, _summary(59, 18), (rise, 0.064), 0.072, (rising, 10), _summary(0.6337, 0.005), _summary(0.6295, 0.007),
        early_test, _summary(gap, 0.0038), _offsets(exact, full),
    )  # fmt: skip


def test_the_paragraph_gives_every_number_with_its_evidence():
    text = conclusion_text(_training(), "tiny VGG")
    assert text.startswith("The tiny VGG's validation loss is lowest at epoch 59 ± 18 (mean ± std over 10 seeds)")
    assert "it rises by 0.029 while the training loss falls by 0.072 (2 of 10 runs end more than 5 % above" in text
    assert "the network overfits in its later epochs, mildly." in text
    assert "training images score 8.76 ± 0.38 pp above the validation images" in text
    assert (
        "would have gained 0.42 pp of test accuracy ([0.07, 0.77], paired t-test p = 0.020), a significant gain" in text
    )
    assert "cannot be told from the exact test images (−0.26 pp [−1.26, 0.74]) and scores above the full test" in text
    assert "an offset the JPEG-derived test images explain (@sec-q8 weighs it against the images' sampling" in text
    assert "standard error" not in text  # the body gives it; the conclusions do not repeat it


@pytest.mark.parametrize(
    ("training", "said", "unsaid"),
    [
        (_training(rise=0.0, rising=0), "no clear overfitting", "it overfits"),
        (_training(rise=0.11, rising=9), "overfits in its later epochs, in most runs", "mildly"),
        (_training(early=(0.0042, 0.3)), "not shown to be real", "significant"),
        (_training(early=(-0.0042, 0.02)), "would have cost 0.42 pp of test accuracy", "forgoes"),
        (_training(early=(-0.0042, 0.02)), "a significant loss the protocol avoids", "−0.42"),
        (_training(gap=-0.005), "training images score 0.50 ± 0.38 pp below the validation images", "−0.50"),
        (_training(exact=(-0.02, 0.001)), "−2.00 pp [−3.00, −1.00] against the exact test images", "JPEG"),
        (_training(full=(-0.02, 0.001)), "against the full test set", "JPEG"),
    ],
)
def test_each_reading_follows_its_evidence(training, said, unsaid):
    text = conclusion_text(training, "tiny VGG")
    assert said in text and unsaid not in text


def test_the_training_loss_fall_is_measured_from_each_runs_validation_minimum():
    one = pd.DataFrame({"val_loss": [2.0, 1.0, 1.5], "loss": [2.0, 1.2, 0.8]})  # minimum at epoch 2: falls 0.4
    two = pd.DataFrame({"val_loss": [2.0, 1.5, 1.0], "loss": [2.0, 1.0, 0.9]})  # minimum at the end: falls 0
    assert loss_fall([one, two]) == pytest.approx(0.2)
    assert overfit_reading(0.03, 0.2, 2, 10).endswith("mildly") and overfit_reading(0.0, 0.2, 0, 10).startswith("no")
