"""Writes for privacy: the retention run (every declared rule, each reported as a RetentionRun)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext_noop

from lojal.core.privacy import RetentionRule, retention_rules
from lojal.privacy.models import RetentionRun

logger = logging.getLogger(__name__)
RULE_OFF = gettext_noop("off: kept until deleted by hand")


def retention_run(*, now: dt.datetime | None = None, only: list[str] | None = None) -> list[RetentionRun]:
    """Run every retention rule (or those named in ``only``) and record what each did. A rule that
    fails is recorded with its error and the others still run."""
    now = now or timezone.now()
    runs = []
    for rule in retention_rules():
        if only and rule.key not in only:
            continue
        runs.append(_run_one(rule, now))
    return runs


def _run_one(rule: RetentionRule, now: dt.datetime) -> RetentionRun:
    cutoff = rule.cutoff(now)
    run = RetentionRun.objects.create(
        started_at=timezone.now(), rule=rule.key, limit=rule.limit(), unit=rule.unit, cutoff=cutoff
    )
    if cutoff is None:
        run.note = RULE_OFF
    else:
        try:
            outcome = rule.run(cutoff)
        except Exception as error:  # recorded, reported on the register page, and the next rule runs
            logger.exception("Retention rule %s failed", rule.key)
            run.error = f"{type(error).__name__}: {error}"[:2000]
        else:
            run.rows_affected, run.rows_pending = outcome.rows, outcome.pending
            run.pending_ids, run.note = list(outcome.pending_ids), outcome.note
    run.finished_at = timezone.now()
    run.save()
    return run
