"""Personal data in customer service cases (see lojal.core.privacy)."""

from __future__ import annotations

from lojal.core.privacy import (
    Category,
    Kept,
    LegalBasis,
    NotPersonal,
    PersonalData,
    Purpose,
    Subjects,
    personal_data,
)

personal_data(
    # What the customer asked about and where they wrote: lives as long as the customer (erased with them).
    PersonalData(
        model="cases.Case",
        fields=("customer", "contact_person", "subject", "received_at_address"),
        category=Category.COMMUNICATION,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.SERVICE,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        kept=Kept.WITH_CUSTOMER,
    ),
    PersonalData(
        model="cases.CaseNote",
        fields=("body",),
        category=Category.COMMUNICATION,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.SERVICE,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        kept=Kept.WITH_CUSTOMER,
    ),
    PersonalData(
        model="cases.TimeEntry",
        fields=("note",),
        category=Category.COMMUNICATION,
        subjects=Subjects.CUSTOMERS,
        purpose=Purpose.SERVICE,
        legal_basis=LegalBasis.LEGITIMATE_INTEREST,
        kept=Kept.WITH_CUSTOMER,
    ),
    NotPersonal(model="cases.Case", fields=("number",), reason="the case's own reference, e.g. 26-001234"),
    NotPersonal(model="cases.CaseTag", fields=("name",), reason="a label staff chose, such as 'invoice'"),
    NotPersonal(model="cases.Category", fields=("name",), reason="what cases are about, set up by managers"),
    NotPersonal(model="cases.Queue", fields=("name",), reason="a team's queue"),
    NotPersonal(model="cases.SlaPolicy", fields=("name",), reason="a service-level policy's name"),
    NotPersonal(
        model="cases.Case",
        fields=("ack_suppressed_reason",),
        reason="a code saying why no acknowledgement went out, such as 'auto_reply'",
    ),
    NotPersonal(
        model="cases.ServiceChannel",
        fields=("address", "note"),
        reason="the company's own inbound addresses, forms and numbers, and a manager's note on them",
    ),
    NotPersonal(model="cases.RoutingRule", fields=("name",), reason="a routing rule's name"),
    NotPersonal(model="cases.IvrChoice", fields=("label",), reason="the name of a phone menu choice"),
    NotPersonal(model="cases.Macro", fields=("name",), reason="a canned reply's name"),
    NotPersonal(
        model="cases.AcknowledgementTemplate",
        fields=("subject", "body"),
        reason="the wording managers give the acknowledgement, with fields filled in when sent",
    ),
)
