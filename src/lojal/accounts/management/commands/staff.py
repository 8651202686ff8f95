"""``lojal staff create NAME --role ROLE`` adds a staff user (password from --password or a prompt)."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lojal.accounts import services
from lojal.accounts.roles import Role
from lojal.core.errors import LojalError


class Command(BaseCommand):
    help = "Create staff users."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--role", choices=Role.values, required=True)
        create.add_argument("--password")
        create.add_argument("--email", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = services.user_create(
                username=options["username"], password=password, role=options["role"], email=options["email"]
            )
        except LojalError as error:
            raise CommandError(f"{error.message} {error.errors}") from None
        self.stdout.write(f"Created {user.username} ({user.role}).")
