"""Personal data of My pages (see lojal.core.privacy): where a sign-in link or code was sent, and the
customer's signed-in browsers and tokens. The secrets themselves are stored only as hashes."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from lojal.core.privacy import (
    Category,
    LegalBasis,
    NotPersonal,
    PersonalData,
    RetentionRule,
    RuleOutcome,
    Subjects,
    personal_data,
    retention_rule,
)

personal_data(
    PersonalData(
        model="portal.LoginChallenge",
        fields=("address", "customer", "contact_person", "requested_from"),
        category=Category.SECURITY,
        subjects=Subjects.CUSTOMERS,
        purpose=_("Signing customers in to My pages without a password"),
        legal_basis=LegalBasis.CONTRACT,
        retention="portal_sign_ins",
    ),
    PersonalData(
        model="portal.PortalSession",
        fields=("customer", "contact_person", "label", "created_from"),
        category=Category.SECURITY,
        subjects=Subjects.CUSTOMERS,
        purpose=_("Signing customers in to My pages without a password"),
        legal_basis=LegalBasis.CONTRACT,
        retention="portal_sign_ins",
    ),
    NotPersonal(
        model="portal.PortalSession",
        fields=("key_hash",),
        reason="a SHA-256 hash of a random session key; it identifies a browser only to Lojal",
    ),
    NotPersonal(model="portal.PortalTheme", fields=("company_name",), reason="the company's own name"),
)


def _sign_ins_rule(cutoff: dt.datetime) -> RuleOutcome:
    # Imported when the rule runs: this module is read while the apps load, before models may be.
    from lojal.portal.privacy import sign_ins_forget

    return RuleOutcome(rows=sign_ins_forget(before=cutoff))


retention_rule(
    RetentionRule(
        key="portal_sign_ins",
        label=_("My pages' sign-in links, codes and ended sessions"),
        setting="RETAIN_PORTAL_SIGN_INS_DAYS",
        unit="days",
        action=_("deleted"),
        run=_sign_ins_rule,
    )
)
