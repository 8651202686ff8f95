"""The API's OpenAPI document, with what Ninja leaves out: the rights each operation needs."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation


class LojalOpenAPISchema(OpenAPISchema):
    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        rights = sorted(
            {str(action) for auth in operation.auth_callbacks for action in getattr(auth, "actions", ())}
        )
        if rights:
            # Clients (and the tests' role matrix) read which rights a role needs from the document.
            details["x-lojal-rights"] = rights
        return details


class LojalAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return LojalOpenAPISchema(self, path_prefix)
