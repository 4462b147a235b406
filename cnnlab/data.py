"""CIFAR-10: loading (online through Keras, offline from a local copy), preprocessing and the Q1 facts."""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnnlab.errors import DataNotFoundError

CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
DATA_ENV = "CNNLAB_DATA"
# The offline copy's test images 0-999 are the original pixels; the rest are JPEG-derived
# (see the data README), so every run is also evaluated on this exact subset.
EXACT_TEST_IMAGES = 1000
# Per-pixel mean absolute error of those JPEG-derived images, of 255 (the data README measures 5.77).
LOSSY_MEAN_ABS_ERROR = 5.77
_TRAIN_FILES = tuple(f"data_batch_{i}" for i in range(1, 6))
_TEST_FILE = "test_batch"


@dataclass(frozen=True)
class Cifar10:
    """CIFAR-10 as uint8 images (N, 32, 32, 3) and int64 labels (N,), in the official order."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # where the arrays came from: a folder path or "keras.datasets.cifar10"

    def fingerprint(self) -> str:
        """A short hash of the four arrays: runs on different data never share a cache key.

        Computed once per instance (a third of a second for the full set; a report's chapters ask several times).
        """
        if "_fingerprint" not in self.__dict__:
            digest = hashlib.sha256()
            for array in (self.x_train, self.y_train, self.x_test, self.y_test):
                digest.update(str(array.shape).encode())
                digest.update(np.ascontiguousarray(array).tobytes())
            object.__setattr__(self, "_fingerprint", digest.hexdigest()[:16])  # frozen: set once, here
        return self.__dict__["_fingerprint"]


def _read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with path.open("rb") as handle:
        batch = pickle.load(handle, encoding="bytes")
    data = np.asarray(batch[b"data"], dtype=np.uint8)
    images = data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)  # channel-planar rows -> NHWC
    labels = np.asarray(batch[b"labels"], dtype=np.int64)
    return np.ascontiguousarray(images), labels


def load_local(folder: str | os.PathLike[str]) -> Cifar10:
    """Read a ``cifar-10-batches-py`` folder (the official Python pickles)."""
    root = Path(folder).expanduser()
    missing = [name for name in (*_TRAIN_FILES, _TEST_FILE) if not (root / name).is_file()]
    if missing:
        raise DataNotFoundError(
            f"{root} is not a cifar-10-batches-py folder (missing {', '.join(missing)}): "
            f"point {DATA_ENV} or --data at the folder that holds data_batch_1..5 and test_batch"
        )
    try:
        train = [_read_batch(root / name) for name in _TRAIN_FILES]
        x_test, y_test = _read_batch(root / _TEST_FILE)
    except (pickle.UnpicklingError, KeyError, ValueError, EOFError) as exc:
        raise DataNotFoundError(f"cannot read CIFAR-10 pickles in {root} ({exc}): is the copy complete?") from exc
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    return Cifar10(x_train, y_train, x_test, y_test, source=str(root.resolve()))


def load_cifar10(folder: str | os.PathLike[str] | None = None) -> Cifar10:
    """Load CIFAR-10 from ``folder``, else from ``$CNNLAB_DATA``, else through ``keras.datasets`` (online)."""
    folder = folder or os.environ.get(DATA_ENV) or None
    if folder:
        return load_local(folder)
    try:
        from cnnlab.quiet import import_keras

        keras = import_keras()
        (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    except Exception as exc:
        raise DataNotFoundError(
            f"CIFAR-10 could not be downloaded ({type(exc).__name__}); offline, set {DATA_ENV}=PATH "
            "or pass --data PATH, where PATH is a cifar-10-batches-py folder"
        ) from exc
    return Cifar10(
        x_train,
        y_train.reshape(-1).astype(np.int64),
        x_test,
        y_test.reshape(-1).astype(np.int64),
        source="keras.datasets.cifar10",
    )


def preprocess(images: np.ndarray) -> np.ndarray:
    """Scale uint8 pixels to float32 in [0, 1] (Q3).

    Inputs of order one keep the first layer's pre-activations in the range Glorot-uniform
    initialisation assumes, so Adam's default step size works. Labels stay integers 0-9: the
    models use sparse categorical cross-entropy, which equals one-hot encoding with categorical
    cross-entropy but without building a 10-column matrix.
    """
    if images.dtype != np.uint8:
        raise ValueError(f"expected uint8 images, got {images.dtype}")
    return images.astype(np.float32) / np.float32(255.0)


def data_facts(data: Cifar10) -> dict[str, object]:
    """What Q1 and Q3 report: counts, image shape, per-class counts, per-channel mean and std on [0, 1]."""
    pixels = data.x_train.reshape(-1, 3).astype(np.float64) / 255.0
    return {
        "source": data.source,
        "fingerprint": data.fingerprint(),
        "n_train": int(data.x_train.shape[0]),
        "n_test": int(data.x_test.shape[0]),
        "image_shape": list(data.x_train.shape[1:]),
        "classes": list(CLASS_NAMES),
        "train_per_class": np.bincount(data.y_train, minlength=10).tolist(),
        "test_per_class": np.bincount(data.y_test, minlength=10).tolist(),
        "channel_mean": pixels.mean(axis=0).tolist(),
        "channel_std": pixels.std(axis=0).tolist(),
        "pixel_min": int(data.x_train.min()),
        "pixel_max": int(data.x_train.max()),
    }


def write_batches(folder: str | os.PathLike[str], data: Cifar10, n_train_files: int = 5) -> Path:
    """Write arrays in the official pickle layout (used for small test fixtures)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)

    def dump(name: str, images: np.ndarray, labels: np.ndarray, label: str) -> None:
        planar = images.transpose(0, 3, 1, 2).reshape(len(images), -1)
        payload = {
            b"batch_label": label.encode(),
            b"labels": labels.tolist(),
            b"data": planar,
            b"filenames": [f"{name}/{i}".encode() for i in range(len(images))],
        }
        with (root / name).open("wb") as handle:
            pickle.dump(payload, handle, protocol=2)

    for i, (images, labels) in enumerate(
        zip(np.array_split(data.x_train, n_train_files), np.array_split(data.y_train, n_train_files), strict=True)
    ):
        dump(_TRAIN_FILES[i], images, labels, f"training batch {i + 1} of 5")
    dump(_TEST_FILE, data.x_test, data.y_test, "testing batch 1 of 1")
    with (root / "batches.meta").open("wb") as handle:
        pickle.dump({b"label_names": [c.encode() for c in CLASS_NAMES]}, handle, protocol=2)
    return root
