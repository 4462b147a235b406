"""BatchNorm recalibration: moving statistics become the data's, and nothing else changes."""

import numpy as np

from cnnlab.batchnorm import recalibrate
from cnnlab.models import build_model
from cnnlab.quiet import import_keras


def test_recalibrate_sets_moving_statistics_to_the_inputs_statistics():
    keras = import_keras()
    model = build_model("tiny_vgg_bn")
    bns = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    for layer in bns:  # running averages far from anything the data gives
        gamma, beta, mean, var = layer.get_weights()
        layer.set_weights([gamma, beta, mean + 5.0, var * 9.0])
    trained = {w.path: w.numpy().copy() for w in model.weights if "moving" not in w.path}
    images = np.random.default_rng(0).random((64, 32, 32, 3), dtype=np.float32)
    recalibrate(model, images, batch_size=16)
    for layer in bns:  # each layer after the ones before it were recalibrated
        inputs = keras.Model(model.inputs, layer.input).predict(images, verbose=0)
        _, _, mean, var = layer.get_weights()
        np.testing.assert_allclose(mean, inputs.mean(axis=(0, 1, 2)), rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(var, inputs.var(axis=(0, 1, 2)), rtol=1e-4, atol=1e-6)
    for w in model.weights:
        if "moving" not in w.path:
            np.testing.assert_array_equal(w.numpy(), trained[w.path])


def test_models_without_batchnorm_are_left_alone():
    model = build_model("tiny_vgg")
    before = [w.copy() for w in model.get_weights()]
    recalibrate(model, np.zeros((4, 32, 32, 3), dtype=np.float32))
    for old, new in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)
