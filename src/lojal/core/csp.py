"""The Content-Security-Policy header (django-csp), built once for the answers that change nothing in
it. django-csp builds the policy afresh for every answer (deep copies and dataclass conversions, about
a tenth of a millisecond), which an API read would pay on every call; only the public pages (their
frame-ancestors) and a page that used a nonce need their own."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# What a view sets on its answer to change or drop the policy (django-csp's decorators).
_PER_VIEW = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._built: tuple[object, str] | None = None

    def _site_policy(self) -> str:
        """The policy of CONTENT_SECURITY_POLICY, built again only when the setting is replaced."""
        config = settings.CONTENT_SECURITY_POLICY
        if self._built is None or self._built[0] is not config:
            self._built = (config, build_policy(**asdict(PolicyParts())))
        return self._built[1]

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        plain = (
            getattr(request, "_csp_nonce", None) is None
            and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            and not settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES")
            and not any(hasattr(response, name) for name in _PER_VIEW)
        )
        if not plain:
            return super().process_response(request, response)
        if HEADER not in response:
            response[HEADER] = self._site_policy()
        # As django-csp does: a nonce asked for after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]
        return response
