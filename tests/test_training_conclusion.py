"""The conclusions' Q6–Q8 paragraph: each branch from statistics made up for it, and the loss fall from
made-up histories."""

import pandas as pd
import pytest

from cnnlab.training_conclusion import Training, conclusion_text, loss_fall, overfits
from tests.test_evidence_sentences import _offsets
from tests.test_sentences import _summary
from tests.test_verdicts import _test


def _training(rises=True, early_p=0.02, exact=(-0.0026, 0.55), full=(0.0254, 0.001)) -> Training:
    return Training(_summary(59, 18), rises, _summary(0.0876, 0.0038), _test(0.0042, early_p), _offsets(exact, full))


def test_the_paragraph_gives_every_number_with_its_evidence():
    text = conclusion_text(_training(), "tiny VGG")
    assert text.startswith("The tiny VGG's validation loss is lowest at epoch 59 ± 18 (mean ± std over 10 seeds)")
    assert "it overfits in its later epochs" in text
    assert "training images score 8.76 ± 0.38 pp above the validation images" in text
    assert "would have gained +0.42 pp [−0.58, 1.42] of test accuracy (paired t-test p = 0.020), a significant" in text
    assert "not told from the exact test images (−0.26 pp [−1.26, 0.74]; that interval holds the images fixed" in text
    assert "a difference of up to 3.04 pp between them is within sampling alone" in text
    assert "above the full test set (+2.54 pp [1.54, 3.54], 4.1 times the images' sampling error): the test" in text


@pytest.mark.parametrize(
    ("training", "said", "unsaid"),
    [
        (_training(rises=False), "no clear overfitting", "it overfits"),
        (_training(early_p=0.3), "not shown to be real", "significant difference"),
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
    assert overfits(0.03, 0.06, 0.2) and not overfits(0.03, -0.01, 0.2)
