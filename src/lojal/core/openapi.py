"""The API's OpenAPI document, with what Ninja leaves out: the rights each operation needs and the
RFC 9457 problem documents it can answer with.

The problems follow from an operation's shape (credentials: 401 and 403; an id in the path: 404; a
body: 400, 413 and 422; parameters: 422); those a service raises beyond that (409 when a service can
raise :class:`~lojal.core.errors.Conflict`, say) an operation declares with :func:`raises`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from ninja import NinjaAPI
from ninja.openapi.schema import BODY_CONTENT_TYPES, OpenAPISchema
from ninja.operation import Operation
from pydantic import BaseModel, Field

from lojal.core.errors import LojalError
from lojal.core.problems import PROBLEM_CONTENT_TYPE

View = TypeVar("View", bound=Callable[..., Any])

_DECLARED = "_lojal_problem_statuses"

PROBLEM_DESCRIPTIONS = {
    400: "The request cannot be read (a body that is not JSON, say) or breaks a rule",
    401: "No valid API token or staff session",
    403: "The role does not allow this, or the session's CSRF check failed",
    404: "Nothing with that id (or it was deleted or merged away)",
    409: "Valid, but clashes with what is stored",
    413: "The body is larger than this server accepts",
    422: "Invalid input; errors names each bad field and why",
    429: "Too many attempts from this address or for this account; Retry-After says when to try again",
    503: "The database cannot be reached for the moment; nothing was written; Retry-After says when to try again",
}


class ProblemFieldError(BaseModel):
    field: str = Field(description="the field, as sent: 'emails[1].address', 'national_id', 'body'")
    reasons: list[str]


class Problem(BaseModel):
    """An RFC 9457 problem document, as every API error is answered."""

    type: str = Field(description="a URI naming the kind of problem; about:blank when the status says it all")
    title: str
    status: int
    # Left out of a document when there is nothing to say, rather than sent as null.
    detail: str = Field("", description="what went wrong, in the caller's language")
    instance: str = ""
    errors: list[ProblemFieldError] = Field(
        default_factory=list, description="each bad field and its reasons"
    )


def raises(*errors: type[LojalError] | int) -> Callable[[View], View]:
    """Declare the problems a handler's services can answer with beyond those its shape implies.

    Put it below the router's decorator: it marks the function the router registers."""

    def mark(view: View) -> View:
        declared = {error if isinstance(error, int) else error.status for error in errors}
        setattr(view, _DECLARED, frozenset(declared) | getattr(view, _DECLARED, frozenset()))
        return view

    return mark


def problem_statuses(operation: Operation) -> set[int]:
    """Every problem status ``operation`` can answer with."""
    statuses = set(getattr(operation.view_func, _DECLARED, ()))
    has_body = any(model.__ninja_param_source__ in BODY_CONTENT_TYPES for model in operation.models)
    if operation.auth_callbacks:
        statuses |= {401, 403}
    if "{" in operation.path:
        statuses.add(404)
    if has_body:
        statuses |= {400, 413}
    if operation.models:
        statuses.add(422)
    # Any operation answers 503 while the database is out of reach (lojal.core.unavailable).
    statuses.add(503)
    return statuses


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

    def responses(self, operation: Operation) -> dict[int, Any]:
        answers = super().responses(operation)
        for status in sorted(problem_statuses(operation)):
            answers.setdefault(
                status,
                {
                    "description": PROBLEM_DESCRIPTIONS[status],
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                },
            )
        return answers

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        # Ninja names a component after its class and lets a later class of the same name replace an
        # earlier one, so two apps' `EmailIn` would document one operation's body with the other's.
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                raise ImproperlyConfigured(
                    f"Two different schemas are both named {name!r} in the OpenAPI document: rename one."
                )
        super().add_schema_definitions(definitions)

    def get_components(self) -> dict[str, Any]:
        components = super().get_components()
        schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components["schemas"].update(schema.pop("$defs", {}))
        components["schemas"]["Problem"] = schema
        return components


class LojalAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return LojalOpenAPISchema(self, path_prefix)
