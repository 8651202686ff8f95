"""One rule for when a page answers with a fragment for htmx, and the caching headers every page sends
so that a fragment is never shown in place of its page (Back after a search, a history restore)."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers


def wants_fragment(request: HttpRequest) -> bool:
    """True when htmx asks for a part of the page to swap in. A boosted link and a history restore
    (htmx reloading a page it has no snapshot of) are htmx requests too, but they need the whole page."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request  # type: ignore[union-attr]


def htmx_cache_headers(request: HttpRequest, response: HttpResponseBase) -> None:
    """``Vary: HX-Request`` on every page, since any page URL may also be asked for by htmx: a browser
    cache then keeps a page and a fragment of the same URL apart. A fragment is also never stored, so
    Back cannot bring it up bare."""
    patch_vary_headers(response, ("HX-Request",))
    if wants_fragment(request) and "no-store" not in response.get("Cache-Control", ""):
        patch_cache_control(response, no_store=True)
