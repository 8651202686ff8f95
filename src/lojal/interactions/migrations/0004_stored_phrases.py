"""Subjects Lojal wrote before they had codes ("Chat with ...", "Incoming call"): given their phrase
in ``details``, so they are shown in the reader's language. Subjects people wrote stay as they are."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from lojal.core.phrases import phrase_match

_BATCH = 2000


def forwards(apps: Any, schema_editor: Any) -> None:
    interaction_model = apps.get_model("interactions", "Interaction")
    rows = interaction_model.objects.filter(channel__in=["chat", "call"]).order_by().only("pk", "subject", "details")
    changed = []
    for interaction in rows.iterator(chunk_size=_BATCH):
        details = interaction.details if isinstance(interaction.details, dict) else {}
        if "subject_phrase" in details:
            continue
        found = phrase_match(interaction.subject)
        if found is None:
            continue
        interaction.subject = found.english[:300]
        interaction.details = {**details, "subject_phrase": found.as_data()}
        changed.append(interaction)
        if len(changed) >= _BATCH:
            interaction_model.objects.bulk_update(changed, ["subject", "details"])
            changed = []
    if changed:
        interaction_model.objects.bulk_update(changed, ["subject", "details"])


class Migration(migrations.Migration):
    dependencies = [("interactions", "0003_sink_failures_dismissal")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
