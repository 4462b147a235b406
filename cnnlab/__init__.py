"""cnnlab: train, cache and report the CIFAR-10 tiny-VGG practical (questions 1-15)."""

import os

# TensorFlow prints C++ start-up lines (CUDA probing, oneDNN notices) before any of our code runs;
# they are noise in notebooks and the report, so silence them unless the user asked for them.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
