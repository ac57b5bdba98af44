"""Training demos: the registry (registry.py), result schemas (results.py), the built-in kinds
(kinds/, one module each), the training engines and the datasets."""
