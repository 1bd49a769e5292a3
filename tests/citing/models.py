"""Stand-ins for a decision (one basis) and a benchmark (several provisions)."""

from __future__ import annotations

from django.db import models

from fazhi.laws.fields import ProvisionForeignKey


class CitingDecision(models.Model):
    """Cites exactly one provision, as a penalty decision cites its legal basis."""

    title = models.CharField(max_length=100)
    basis = ProvisionForeignKey(verbose_name="legal basis", related_name="+")

    class Meta:
        verbose_name = "citing decision"
        verbose_name_plural = "citing decisions"

    def __str__(self) -> str:
        return self.title


class CitingBenchmark(models.Model):
    """Cites several provisions, as a discretion benchmark cites the articles it refines."""

    title = models.CharField(max_length=100)
    provisions = models.ManyToManyField("laws.Provision", related_name="+", blank=True)

    class Meta:
        verbose_name = "citing benchmark"
        verbose_name_plural = "citing benchmarks"

    def __str__(self) -> str:
        return self.title
