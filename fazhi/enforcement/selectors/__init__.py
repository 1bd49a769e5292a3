"""Reads of the enforcement app, one module per part; every read goes through `scoped()`."""
