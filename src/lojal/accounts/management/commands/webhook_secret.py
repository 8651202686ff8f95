"""``lojal webhook_secret create NAME`` prints a new integration's webhook secret; ``list`` and ``revoke``
too (docs/security.md: signed inbound webhooks)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lojal.accounts import selectors, services
from lojal.core.errors import LojalError


class Command(BaseCommand):
    help = "Create, list and revoke the secrets integrations sign inbound webhook calls with."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Print a new secret for an integration.")
        create.add_argument("name")
        sub.add_parser("list", help="List the integrations' secrets (names and state, not the secrets).")
        revoke = sub.add_parser("revoke", help="Stop accepting calls signed with an integration's secret.")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                issued = services.webhook_secret_create(name=options["name"])
                self.stdout.write(issued.secret)
            elif options["action"] == "list":
                for row in selectors.webhook_secret_list():
                    state = "revoked" if row.revoked_at else "active"
                    used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never used"
                    self.stdout.write(f"{row.name}\t{state}\t{row.created_at:%Y-%m-%d}\t{used}")
            else:
                services.webhook_secret_revoke(name=options["name"])
                self.stdout.write(f"Webhook secret {options['name']!r} revoked.")
        except LojalError as error:
            raise CommandError(error.message) from None
