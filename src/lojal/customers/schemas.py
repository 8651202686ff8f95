"""API shapes for customers. Input shapes check types; the services check the rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal, get_args

from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from lojal.core.inputs import SaneDate, Text

KindLiteral = Literal["person", "organisation"]
StageLiteral = Literal["lead", "registrant", "customer", "at_risk", "former"]
TierLiteral = Literal["none", "silver", "gold", "platinum"]
LanguageLiteral = Literal["sv", "nb", "da", "fi", "en"]


def _documented_without_null(choice: Any) -> WithJsonSchema:
    """A choice that may be left out but not sent as null (the services refuse null, naming the field):
    the document lists the values only."""
    return WithJsonSchema({"type": "string", "enum": list(get_args(choice))})


StageChoice = Annotated[StageLiteral | None, _documented_without_null(StageLiteral)]
TierChoice = Annotated[TierLiteral | None, _documented_without_null(TierLiteral)]
LanguageChoice = Annotated[LanguageLiteral | None, _documented_without_null(LanguageLiteral)]


class Strict(BaseModel):
    """Input: unknown fields are refused. A plain pydantic model, not a Ninja Schema, whose wrapper for
    reading Django objects doubled the cost of parsing a batch of a thousand customers."""

    model_config = ConfigDict(extra="forbid")


class EmailIn(Strict):
    address: Text = Field(max_length=254)
    label: Text = Field(default="", max_length=30)
    is_primary: bool = False


class PhoneIn(Strict):
    number: Text = Field(max_length=40)
    label: Literal["mobile", "work", "home", "other"] = "mobile"
    is_primary: bool = False


def _text_as(key: str) -> Callable[[Any], Any]:
    """Read a plain text entry as the object ``{key: text}``: one shape to validate, so an error is
    reported at ``emails[0].address`` rather than once per shape the entry might have had."""

    def convert(value: Any) -> Any:
        return {key: value} if isinstance(value, str) else value

    return convert


EmailItem = Annotated[EmailIn, BeforeValidator(_text_as("address"), json_schema_input_type=EmailIn | str)]
PhoneItem = Annotated[PhoneIn, BeforeValidator(_text_as("number"), json_schema_input_type=PhoneIn | str)]


class AddressIn(Strict):
    # Any part may be missing (a postal code and a city, "Box 123"); the validation wants at least one.
    street: Text = Field(default="", max_length=200)
    postal_code: Text = Field(default="", max_length=12)
    city: Text = Field(default="", max_length=100)
    municipality: Text = Field(default="", max_length=100)
    region: Text = Field(default="", max_length=100)
    country: Text = Field(default="SE", min_length=2, max_length=2)
    label: Literal["postal", "visiting", "billing", "delivery"] = "postal"
    is_primary: bool = False


class CustomerFields(Strict):
    first_name: Text | None = Field(default=None, max_length=100)
    last_name: Text | None = Field(default=None, max_length=100)
    organisation_name: Text | None = Field(default=None, max_length=200)
    birth_date: SaneDate | None = None
    customer_since: SaneDate | None = Field(
        default=None, description="When the relationship began, as the source system knows it."
    )
    attributes: dict[Text, Text] | None = Field(
        default=None, description="Free attributes, text by name (an import keeps unmapped columns here)."
    )
    industry: Text | None = Field(default=None, max_length=100)
    employee_count: int | None = Field(default=None, ge=0)
    founded_year: int | None = Field(default=None, ge=1000, le=9999)
    national_id: Text | None = Field(
        default=None, max_length=40, description="Any common spelling; stored normalised."
    )
    national_id_country: Literal["SE", "NO", "DK", "FI"] | None = None
    emails: list[EmailItem] | None = Field(
        default=None, max_length=20, description="Objects, or plain addresses."
    )
    phones: list[PhoneItem] | None = Field(
        default=None, max_length=20, description="Objects, or plain numbers in any format."
    )
    addresses: list[AddressIn] | None = Field(default=None, max_length=20)
    preferred_language: LanguageChoice = None
    account_manager_id: int | None = None
    vip_tier: TierChoice = None
    tags: list[Text] | None = Field(default=None, max_length=50)
    lifecycle_stage: StageChoice = None
    stage_reason: Text | None = Field(default=None, max_length=300)


class CustomerCreate(CustomerFields):
    kind: KindLiteral = "person"


class CustomerPatch(CustomerFields):
    pass


class CustomerBatch(Strict):
    items: list[CustomerCreate] = Field(min_length=1, max_length=1000)


class EmailOut(Schema):
    address: str
    label: str
    is_primary: bool


class PhoneOut(Schema):
    number: str
    label: str
    is_primary: bool


class AddressOut(Schema):
    street: str
    postal_code: str
    city: str
    municipality: str
    region: str
    country: str
    label: str
    is_primary: bool


class StaffRef(Schema):
    id: int
    name: str


class CustomerSummary(Schema):
    id: int
    customer_number: int
    kind: KindLiteral
    display_name: str
    primary_email: str
    primary_phone: str
    city: str
    country: str
    lifecycle_stage: StageLiteral
    vip_tier: TierLiteral
    tags: list[str]
    account_manager: StaffRef | None
    created_at: dt.datetime


class ContactPersonIn(Strict):
    first_name: Text = Field(max_length=100)
    last_name: Text = Field(default="", max_length=100)
    role: Text = Field(default="", max_length=100)
    email: Text = Field(default="", max_length=254)
    phone: Text = Field(default="", max_length=40)
    is_primary: bool = False
    person_id: int | None = None


class ContactPersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    role: str
    email: str
    phone: str
    is_primary: bool
    person_id: int | None


class EventOut(Schema):
    id: int
    occurred_at: dt.datetime
    kind: str
    summary: str
    body: str
    data: dict[str, object]
    actor: StaffRef | None


class CustomerDetail(CustomerSummary):
    first_name: str
    last_name: str
    organisation_name: str
    birth_date: dt.date | None
    customer_since: dt.date | None
    attributes: dict[str, str]
    industry: str
    employee_count: int | None
    founded_year: int | None
    national_id: str = Field(description="Masked unless your role may see national identity numbers.")
    national_id_country: str
    national_id_kind: str
    preferred_language: str
    emails: list[EmailOut]
    phones: list[PhoneOut]
    addresses: list[AddressOut]
    contact_persons: list[ContactPersonOut]
    updated_at: dt.datetime
    timeline: list[EventOut]
    timeline_next: str | None


class SearchResult(CustomerSummary):
    matched_on: str


class SearchResults(Schema):
    items: list[SearchResult]


class NoteIn(Strict):
    text: Text = Field(min_length=1, max_length=20000)


class MergeIn(Strict):
    keep_id: int
    other_id: int
    #: Per field the two differ on (``email``, ``phone``, ``address``, ``national_id``, ``last_name`` ...),
    #: the id of the customer whose value is kept; fields left out follow the default rule.
    choices: dict[str, int] = {}


class DuplicateOut(Schema):
    id: int
    first: CustomerSummary
    second: CustomerSummary
    reasons: list[str]
    score: int
    status: str


class CreatedRef(Schema):
    id: int
    customer_number: int


class BatchCreated(Schema):
    created: int
    items: list[CreatedRef]
