"""Provision recommender: an officer's colloquial description of a violation → ranked penalty
provisions (and the duty articles they enforce). Pure Python + numpy; no Django.

    from fazhi.laws.recommend import get_recommender
    get_recommender().recommend("后厨使用过期两个月的牛奶", top=5, sector="market")

Method, figures and how to rerun them: docs/laws-recommender.md.
"""

from .docs import ArticleDoc, docs_from_directory
from .model import DEFAULT_DIR, DutyRef, Recommender, Suggestion, Weights, get_recommender
from .sectors import SectorTable

__all__ = [
    "DEFAULT_DIR",
    "ArticleDoc",
    "DutyRef",
    "Recommender",
    "SectorTable",
    "Suggestion",
    "Weights",
    "docs_from_directory",
    "get_recommender",
]
