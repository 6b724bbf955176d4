"""The models of benchmarks/throughput.py, built the same way in Keras and PyTorch, with their FLOP counts.

- ``dense``: 784-1000-500-250-30 and back (hinton2006), MNIST, batch 256.
- ``conv28``: 28x28x1; Conv 32 and 64 (3x3, stride 2, ELU); Flatten, Dense 32 and back; ConvTranspose 64 and 32
  (stride 2); a 3x3 sigmoid output conv. MNIST, batch 128.
- ``conv64``: the same layers on 64x64x1 images (the convolutional issue's reference model). Batch 128.

FLOPs are 2 per multiply-add, counted for the Dense and convolution layers (bias adds and activations are left out:
under 1 % here). A training step costs 3 times a layer's forward product (the forward, and the gradients of its
input and of its weights), except for the first layer, whose input is the data and needs no gradient: 2 times.
(Charging it 3 times, as this file did before, counted about 10 % too many FLOPs for hinton2006.) A transposed
convolution does k*k*Cin*Cout multiply-adds per *input* pixel (the zeros it would insert are never multiplied):
counted per output pixel, as in the issue's 92 GFLOP per conv64 step, it would be 4 times more.
"""

from __future__ import annotations

SPECS = {
    "dense": {"kind": "dense", "layers": [784, 1000, 500, 250, 30, 250, 500, 1000, 784], "batch": 256},
    "conv28": {"kind": "conv", "size": 28, "filters": [32, 64], "latent": 32, "batch": 128},
    "conv64": {"kind": "conv", "size": 64, "filters": [32, 64], "latent": 32, "batch": 128},
}


def training_flops_per_sample(model) -> int:
    """FLOPs of one training sample through a Keras model: 3 forward products per Dense or conv layer, 2 for the
    first one (no input gradient)."""
    total = sum(_forward_flops(layer) for layer in model._flatten_layers(include_self=False, recursive=True))
    return 3 * total - _forward_flops(_first_product_layer(getattr(model, "encoder", model)))


def _forward_flops(layer) -> int:
    import keras

    if isinstance(layer, keras.layers.Dense):
        return 2 * int(layer.kernel.shape[0]) * int(layer.kernel.shape[1])
    if isinstance(layer, keras.layers.Conv2D | keras.layers.Conv2DTranspose):
        # A transposed convolution multiplies each input pixel, a convolution each output pixel.
        transposed = isinstance(layer, keras.layers.Conv2DTranspose)
        _, height, width, _ = layer.input.shape if transposed else layer.output.shape
        return 2 * height * width * int(layer.kernel.shape[0] * layer.kernel.shape[1]) \
            * int(layer.kernel.shape[2] * layer.kernel.shape[3])
    return 0


def _first_product_layer(model):
    """The layer that multiplies the data itself: the first in a functional model's (topological) order."""
    for layer in model.layers:
        if _forward_flops(layer):
            return layer
        if hasattr(layer, "layers"):
            found = _first_product_layer(layer)
            if found is not None:
                return found
    return None


def keras_model(name: str):
    """The model as a compiled-ready functional keras.Model (input -> reconstruction)."""
    encoder, decoder = keras_parts(name)
    import keras

    inputs = keras.Input(encoder.input_shape[1:])
    return keras.Model(inputs, decoder(encoder(inputs)))


def keras_parts(name: str):
    """(encoder, decoder) keras.Models, as aekit's families return them."""
    import keras
    from keras import layers

    spec = SPECS[name]
    if spec["kind"] == "dense":
        sizes = spec["layers"]
        inputs = keras.Input((sizes[0],))
        x = inputs
        for units in sizes[1:4]:
            x = layers.Dense(units, activation="elu")(x)
        encoder = keras.Model(inputs, layers.Dense(sizes[4])(x))
        latent = keras.Input((sizes[4],))
        x = latent
        for units in sizes[5:-1]:
            x = layers.Dense(units, activation="elu")(x)
        # The output's sigmoid in float32 (a no-op in fp32): in bf16 it rounds to exactly 0 or 1 and the
        # cross-entropy becomes infinite (the Keras mixed-precision guide's advice).
        outputs = layers.Activation("sigmoid", dtype="float32")(layers.Dense(sizes[-1])(x))
        return encoder, keras.Model(latent, outputs)
    size, (f1, f2), code = spec["size"], spec["filters"], spec["latent"]
    grid = -(-size // 4)
    inputs = keras.Input((size, size, 1))
    x = layers.Conv2D(f1, 3, strides=2, padding="same", activation="elu")(inputs)
    x = layers.Conv2D(f2, 3, strides=2, padding="same", activation="elu")(x)
    encoder = keras.Model(inputs, layers.Dense(code)(layers.Flatten()(x)))
    latent = keras.Input((code,))
    x = layers.Reshape((grid, grid, f2))(layers.Dense(grid * grid * f2, activation="elu")(latent))
    x = layers.Conv2DTranspose(f2, 3, strides=2, padding="same", activation="elu")(x)
    x = layers.Conv2DTranspose(f1, 3, strides=2, padding="same", activation="elu")(x)
    x = layers.Conv2D(1, 3, padding="same", activation="sigmoid")(x)
    if x.shape[1] != size:
        x = layers.Cropping2D(((0, x.shape[1] - size), (0, x.shape[2] - size)))(x)
    return encoder, keras.Model(latent, x)


def torch_model(name: str, channels_last: bool):
    import torch
    from torch import nn

    spec = SPECS[name]
    if spec["kind"] == "dense":
        sizes = spec["layers"]
        modules = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            modules.append(nn.Linear(a, b))
            if i == len(sizes) - 2:
                modules.append(nn.Sigmoid())
            elif b != sizes[4]:
                modules.append(nn.ELU())
        return nn.Sequential(*modules)
    size, (f1, f2), code = spec["size"], spec["filters"], spec["latent"]
    grid = -(-size // 4)

    class ConvAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Sequential(nn.Conv2d(1, f1, 3, 2, 1), nn.ELU(), nn.Conv2d(f1, f2, 3, 2, 1), nn.ELU(),
                                         nn.Flatten(), nn.Linear(grid * grid * f2, code))
            self.expand = nn.Sequential(nn.Linear(code, grid * grid * f2), nn.ELU())
            self.decoder = nn.Sequential(nn.ConvTranspose2d(f2, f2, 3, 2, 1, output_padding=1), nn.ELU(),
                                         nn.ConvTranspose2d(f2, f1, 3, 2, 1, output_padding=1), nn.ELU(),
                                         nn.Conv2d(f1, 1, 3, 1, 1), nn.Sigmoid())

        def forward(self, x):
            x = self.expand(self.encoder(x)).reshape(-1, f2, grid, grid)
            if channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            return self.decoder(x)[..., :size, :size]

    model = ConvAE()
    return model.to(memory_format=torch.channels_last) if channels_last else model
