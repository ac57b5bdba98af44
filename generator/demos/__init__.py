"""Training demos. Each module registers one demo kind; see registry.py."""

from generator.demos import activations  # noqa: F401  (registers "activations")
