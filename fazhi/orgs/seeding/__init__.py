"""Builders behind `manage.py seed`: a demo region and the full Inner Mongolia scale.

Everything here is deterministic from one `random.Random(seed)`; rows are keyed by natural keys
(credit code, username) so running a seed twice creates nothing the second time.
"""
