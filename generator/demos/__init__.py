"""Training demos. Each module registers one demo kind; see registry.py."""

from generator.demos import activations, cnn_digits, depth_sweep, exploding_gradients  # noqa: F401  (each registers its kind)
