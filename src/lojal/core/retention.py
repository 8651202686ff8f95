"""Set-based removal for the retention rules: each batch is one DELETE or UPDATE over the primary keys
of the next ``batch_size`` due rows, so a rule over a table of millions neither loads its rows into
Python nor holds one long lock."""

from __future__ import annotations

from typing import Any

from django.db import router, transaction
from django.db.models import QuerySet

BATCH_SIZE = 5000


def delete_batched(due: QuerySet[Any], *, batch_size: int = BATCH_SIZE) -> int:
    """Delete every row of ``due`` in batches; the number deleted. The caller has removed or detached
    the rows that reference these first (the delete bypasses Django's collector, which would load every
    row and every related row into memory)."""
    model = due.model
    using = router.db_for_write(model)
    deleted = 0
    while True:
        with transaction.atomic(using=using):
            ids = list(due.order_by().values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            # _raw_delete: one DELETE ... WHERE id IN (...), no collector, no signals (none are used).
            deleted += model._base_manager.filter(pk__in=ids)._raw_delete(using)
        if len(ids) < batch_size:
            return deleted


def update_batched(due: QuerySet[Any], *, batch_size: int = BATCH_SIZE, **values: Any) -> int:
    """Set ``values`` on every row of ``due`` in batches; ``due`` must exclude rows already done (else
    the loop would not end), e.g. ``.exclude(value="")`` for a blanking rule. The number changed."""
    model = due.model
    using = router.db_for_write(model)
    changed = 0
    while True:
        with transaction.atomic(using=using):
            ids = list(due.order_by().values_list("pk", flat=True)[:batch_size])
            if not ids:
                return changed
            changed += model._base_manager.filter(pk__in=ids).update(**values)
        if len(ids) < batch_size:
            return changed
