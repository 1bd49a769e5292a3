"""Forms of the enforcement back office, one module per part of issue 4."""
