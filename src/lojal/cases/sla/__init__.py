"""Service levels: policies, the three clocks (first response, next response, resolution), pauses,
warnings, breaches and escalation, and the recompute after a calendar changes (docs/cases.md, "Service
levels"). Other services call :func:`case_clocks_refresh` after changing a fact the clocks read."""

from lojal.cases.sla.refresh import case_clocks_refresh

__all__ = ["case_clocks_refresh"]
