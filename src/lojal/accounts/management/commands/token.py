"""``lojal token create --user NAME [--name LABEL]`` prints a new API token; ``list`` and ``revoke`` too."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lojal.accounts import selectors, services
from lojal.core.errors import LojalError


class Command(BaseCommand):
    help = "Create, list and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Print a new token for a user.")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="CLI token")
        listing = sub.add_parser("list", help="List a user's tokens.")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a token by id.")
        revoke.add_argument("--user", required=True)
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        user = selectors.staff_get(username=options["user"])
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        try:
            if options["action"] == "create":
                issued = services.token_create(user=user, name=options["name"])
                self.stdout.write(issued.secret)
            elif options["action"] == "list":
                for token in selectors.token_list(user=user):
                    state = "revoked" if token.revoked_at else "active"
                    self.stdout.write(
                        f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}\t{token.created_at:%Y-%m-%d}"
                    )
            else:
                services.token_revoke(user=user, token_id=options["token_id"])
                self.stdout.write(f"Token {options['token_id']} revoked.")
        except LojalError as error:
            raise CommandError(error.message) from None
