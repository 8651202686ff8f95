"""Texts Lojal wrote into events before they had codes (a promotion's "first qualifying transaction",
"Chat with ..."): given their phrase code and parameters, so they are shown in the reader's language.
Texts that are no known phrase (a reason typed by staff) stay as they are."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from lojal.core.phrases import phrase_match

_BATCH = 2000


def _coded(data: dict[str, Any], text_key: str, code_key: str, params_key: str) -> dict[str, Any] | None:
    text = data.get(text_key)
    if not isinstance(text, str) or code_key in data:
        return None
    found = phrase_match(text)
    if found is None:
        return None
    return {**data, text_key: found.english, code_key: found.code, params_key: dict(found.params)}


def forwards(apps: Any, schema_editor: Any) -> None:
    event_model = apps.get_model("timeline", "Event")
    rows = (
        event_model.objects.filter(kind__in=["customer.stage_changed", "interaction.chat", "interaction.call"])
        .order_by()
        .only("pk", "kind", "data")
    )
    changed = []
    for event in rows.iterator(chunk_size=_BATCH):
        data = event.data if isinstance(event.data, dict) else {}
        if event.kind == "customer.stage_changed":
            updated = _coded(data, "reason", "reason_code", "reason_params")
        else:
            updated = _coded(data, "subject", "subject_code", "subject_params")
        if updated is not None:
            event.data = updated
            changed.append(event)
        if len(changed) >= _BATCH:
            event_model.objects.bulk_update(changed, ["data"])
            changed = []
    if changed:
        event_model.objects.bulk_update(changed, ["data"])


class Migration(migrations.Migration):
    dependencies = [("timeline", "0004_stage_change_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
