"""The JPEG paired experiment: the same 1,000 exact test images scored as they are and JPEG-compressed.

The offline test set's images 1000-9999 are JPEG q75 copies (``../shared/data/README.md``): they were
written by Pillow's ``Image.save(path)`` with its defaults (quality 75, chroma subsampling 4:2:0) and
decoded again. Encoding the exact images 0-999 the same way gives a paired experiment on identical
content, so the accuracy drop measures what JPEG costs each run, with no difference of images mixed in.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from PIL import Image

from cnnlab.cache import RunRecord
from cnnlab.data import EXACT_TEST_IMAGES, Cifar10, preprocess
from cnnlab.derived import derived_table
from cnnlab.inference import accuracy, has_batchnorm, weights_restored

QUALITY = 75
SUBSAMPLING = "4:2:0"  # Pillow's default for RGB; what made the offline copy's lossy images
ANALYSIS, VERSION = "jpeg_pair", 1


def jpeg_roundtrip(images: np.ndarray, quality: int = QUALITY, subsampling: str = SUBSAMPLING) -> np.ndarray:
    """Encode each uint8 RGB image (N, H, W, 3) as JPEG with Pillow and decode it again."""
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"expected uint8 images of shape (N, H, W, 3), got {images.dtype} {images.shape}")
    decoded = []
    for image in images:
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="JPEG", quality=quality, subsampling=subsampling)
        buffer.seek(0)
        with Image.open(buffer) as jpeg:
            decoded.append(np.asarray(jpeg.convert("RGB")))
    return np.stack(decoded)


def mean_abs_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-image mean absolute pixel difference on the 0-255 scale."""
    return np.abs(a.astype(np.int16) - b.astype(np.int16)).mean(axis=tuple(range(1, a.ndim)))


def roundtrip_check(
    data: Cifar10, candidates: tuple[tuple[int, str], ...] = ((75, "4:4:4"), (70, "4:2:0"), (80, "4:2:0"))
) -> dict[str, Any]:
    """Evidence that :func:`jpeg_roundtrip` makes what the offline copy's lossy test images are.

    On the exact images 0-999: encoding twice gives the same pixels, and the mean absolute difference
    to the originals (the README gives about 5.8 of 255). On the lossy images 1000-9999: JPEG at the
    settings that made an image nearly reproduces it when applied again, so the settings whose
    re-encoding changes those images least are the ones that made them; ``candidates`` are others to
    compare with (quality, subsampling).
    """
    exact, lossy = data.x_test[:EXACT_TEST_IMAGES], data.x_test[EXACT_TEST_IMAGES:]
    once = jpeg_roundtrip(exact)
    error = mean_abs_difference(once, exact)
    moved = {
        f"q{quality} {subsampling}": mean_abs_difference(jpeg_roundtrip(lossy, quality, subsampling), lossy)
        for quality, subsampling in ((QUALITY, SUBSAMPLING), *candidates)
    }
    return {
        "deterministic": bool(np.array_equal(once, jpeg_roundtrip(exact))),
        "exact_mean_abs_error": float(error.mean()),
        "exact_max_abs_error": float(error.max()),
        "lossy_reencoding_error": {setting: float(m.mean()) for setting, m in moved.items()},
        "lossy_unchanged_fraction": float(np.mean(moved[f"q{QUALITY} {SUBSAMPLING}"] == 0)),
    }


def jpeg_pair(record: RunRecord, data: Cifar10) -> dict[str, Any]:
    """One run's accuracy on the exact test images 0-999 and on their JPEG copies, and the drop.

    For a model with BatchNormalization the same is done again with each BatchNorm layer's running
    statistics recomputed on the images being scored (exact ones, then JPEG ones): if the drop
    shrinks, JPEG hurts that model through the statistics its normalisation expects.
    """
    from cnnlab.batchnorm import recalibrate
    from cnnlab.features import load_trained

    labels = data.y_test[:EXACT_TEST_IMAGES]
    exact = preprocess(data.x_test[:EXACT_TEST_IMAGES])
    compressed = preprocess(jpeg_roundtrip(data.x_test[:EXACT_TEST_IMAGES]))
    model = load_trained(record)
    result: dict[str, Any] = {"n": len(labels), "exact": accuracy(model, exact, labels)}
    result["jpeg"] = accuracy(model, compressed, labels)
    result["drop"] = result["exact"] - result["jpeg"]
    result["exact_recomputed"] = result["jpeg_recomputed"] = result["drop_recomputed"] = None
    if has_batchnorm(model):
        with weights_restored(model):
            for name, images in (("exact", exact), ("jpeg", compressed)):
                recalibrate(model, images)
                result[f"{name}_recomputed"] = accuracy(model, images, labels)
        result["drop_recomputed"] = result["exact_recomputed"] - result["jpeg_recomputed"]
    return result


def jpeg_table(runs: dict[str, list[RunRecord]], data: Cifar10) -> pd.DataFrame:
    """:func:`jpeg_pair` for every run (variant, seed, then its fields), from the derived cache when there."""
    return derived_table(runs, ANALYSIS, VERSION, lambda record: jpeg_pair(record, data))
