"""Quiet TensorFlow, Keras and notebook kernels: no start-up lines in notebooks, logs or the report.

TensorFlow 2.21 writes "All log messages before absl::InitializeLog()", oneDNN and CUDA-probe
lines straight to file descriptor 2 while it loads, before ``TF_CPP_MIN_LOG_LEVEL`` is read; in
a notebook, ipykernel forwards them into cell outputs. Pointing fd 2 at /dev/null for the import
alone keeps notebooks and the report clean; Python exceptions still propagate. A notebook kernel
started over TCP warns that it runs "without encryption"; kernels cnnlab starts use socket files.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any


@contextlib.contextmanager
def _stderr_fd_silenced() -> Iterator[None]:
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (some embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_keras() -> ModuleType:
    """Return the ``keras`` module, importing TensorFlow quietly the first time.

    Under another Keras backend (``KERAS_BACKEND=jax``, used only by tools/backend_fit.py)
    TensorFlow is not imported.
    """
    if "keras" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with _stderr_fd_silenced():
            import keras

            if keras.backend.backend() == "tensorflow":
                import tensorflow  # noqa: F401
        import logging

        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
        # Retracing notices and similar Python-side warnings go through the "tensorflow" logger.
        logging.getLogger("tensorflow").setLevel(logging.ERROR)
    return sys.modules["keras"]


def import_tensorflow() -> ModuleType:
    """Return the ``tensorflow`` module, imported quietly."""
    import_keras()
    return sys.modules["tensorflow"]


def ipc_kernel_manager(sockets: str | os.PathLike[str]) -> Any:
    """A kernel manager whose kernel talks over socket files in ``sockets`` (a private folder), not TCP.

    Loopback TCP makes ipykernel warn "Kernel is running over TCP without encryption" on every start.
    """
    from pathlib import Path

    from jupyter_client.manager import KernelManager

    return KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))
