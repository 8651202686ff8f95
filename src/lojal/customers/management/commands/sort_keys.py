"""``lojal sort_keys``: recompute the key customer names sort by, e.g. after LOJAL_DEFAULT_COUNTRY changed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from lojal.customers.derived import sort_keys_recompute


class Command(BaseCommand):
    help = "Recompute every customer's sort key in the alphabet of LOJAL_DEFAULT_COUNTRY."

    def handle(self, *args: Any, **options: Any) -> None:
        changed = sort_keys_recompute()
        self.stdout.write(f"{changed} sort keys changed (alphabet of {settings.DEFAULT_COUNTRY}).")
