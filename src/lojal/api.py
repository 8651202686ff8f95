"""The REST API root (/api/v1): authentication, error documents, and each app's router."""

from __future__ import annotations

from lojal.accounts.api_auth import BearerToken, StaffSession
from lojal.core.api_problems import problem_handlers_install
from lojal.core.jsonout import FastParser, FastRenderer
from lojal.core.openapi import LojalAPI

api = LojalAPI(
    renderer=FastRenderer(),
    parser=FastParser(),
    title="Lojal API",
    version="1",
    description="Customers, contacts, timeline, search and duplicates. Errors are RFC 9457 problem documents.",
    auth=[BearerToken(), StaffSession(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problem_handlers_install(
    api, unauthorized_detail="Send a valid API token as 'Authorization: Bearer <token>'."
)


def _add_routers() -> None:
    from lojal.accounts.api import router as accounts_router
    from lojal.accounts.audit_api import router as audit_router
    from lojal.activities.api import router as activities_router
    from lojal.activities.call_lists_api import router as call_lists_router
    from lojal.calendars.api import router as calendars_router
    from lojal.cases.api import router as cases_router
    from lojal.cases.sla_api import router as sla_policies_router
    from lojal.customers.api import router as customers_router
    from lojal.imports.api import router as imports_router
    from lojal.interactions.api import inbound_router
    from lojal.interactions.api import router as interactions_router
    from lojal.knowledge.api import router as knowledge_router
    from lojal.knowledge.suggest_api import router as kb_suggest_router
    from lojal.privacy.api import router as privacy_router
    from lojal.privacy.subject_api import router as subject_rights_router
    from lojal.sales.api import router as sales_router
    from lojal.workspace.bulk_api import router as customers_bulk_router

    api.add_router("/auth", accounts_router)
    # Before the customers router: the bulk endpoint dispatches up here (see workspace/bulk_api.py).
    api.add_router("/customers", customers_bulk_router)
    api.add_router("/customers", customers_router)
    # The data subject's rights act on one customer: /customers/{id}/export, /erase, /legal-hold.
    api.add_router("/customers", subject_rights_router)
    api.add_router("/audit", audit_router)
    api.add_router("/interactions", interactions_router)
    api.add_router("/inbound", inbound_router)
    api.add_router("/sales", sales_router)
    api.add_router("/imports", imports_router)
    api.add_router("/privacy", privacy_router)
    api.add_router("/activities", activities_router)
    api.add_router("/call-lists", call_lists_router)
    api.add_router("/calendars", calendars_router)
    api.add_router("/sla-policies", sla_policies_router)
    api.add_router("", cases_router)  # /cases, /queues, /telephony (customer service)
    # The staff knowledge base: /kb/articles, /kb/categories, /kb/synonyms (/kb/suggest has its own router).
    api.add_router("/kb", knowledge_router)
    # The FAQ: /kb/suggest here; the articles router (kbcore) mounts at /kb as well.
    api.add_router("/kb", kb_suggest_router)


_add_routers()
