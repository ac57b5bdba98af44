"""Figures drawn from demo results. See registry.py."""
