"""The built-in demo kinds, one module each; every module here registers its kind when imported."""
