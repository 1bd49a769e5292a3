"""Writes of the enforcement app, one module per part (registry, authority, cases, supervision,
disclosure, …). Import from the module: `from fazhi.enforcement.services.cases import …`.
"""
