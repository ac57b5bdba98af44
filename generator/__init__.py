"""lecturegen: one content YAML file in, a lecture with live results out."""

__version__ = "0.1.0"
