"""The typed values of a batch of transaction rows as polars expressions, for the rows written in the
forms most files use; every other row is left to the scalar check, which gives each rejection its
exact reason. So a row taken here is one the scalar check would take with the same values: numbers in
the locale's own notation without a leading zero or a negative zero, moments as "2026-03-14",
"2026-03-14 13:45" or "2026-03-14T13:45:10" in years whose zone rules polars holds (1970-2037),
words looked up once per distinct cell, and the money rules of lojal.sales.money checked as columns."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

import polars as pl

from lojal.imports.columnar.values import MAX_DIGITS, number_symbols
from lojal.sales.money import CURRENCY_DECIMALS, NON_NEGATIVE_KINDS

#: The columns of :func:`typed_rows`' frame, in the order the staging table takes them.
TYPED = (
    "customer_id",
    "occurred_at",
    "kind",
    "product_id",
    "quantity",
    "amount",
    "currency",
    "margin",
    "channel",
)
_MONEY = pl.Decimal(MAX_DIGITS + 2, 2)
_QUANTITY = pl.Decimal(MAX_DIGITS + 3, 3)
_UTC = pl.Datetime("us", "UTC")
#: The types of the :data:`TYPED` columns.
TYPED_SCHEMA: dict[str, pl.DataType] = {
    "customer_id": pl.Int64(),
    "occurred_at": _UTC,
    "kind": pl.String(),
    "product_id": pl.Int64(),
    "quantity": _QUANTITY,
    "amount": _MONEY,
    "currency": pl.String(),
    "margin": _MONEY,
    "channel": pl.String(),
}
#: Fewer rows than this to type (a re-import's changed rows) go row by row: the columns' fixed cost
#: per batch is more than the rows' own.
COLUMNS_FROM = 500


def _number(cell: pl.Expr, locale: str, places: int, dtype: pl.Decimal) -> pl.Expr:
    """The number in ``cell`` when it is written plainly in ``locale`` (digits, the locale's or a
    space's grouping by threes, its decimal mark, at most ``places`` decimals), else null; a negative
    zero is null too, as the scalar check refuses it by name."""
    decimal, groups = _symbols(locale)
    spaced = list(groups[:2])
    grouped = "|".join(rf"[1-9][0-9]{{0,2}}(?:{re.escape(group)}[0-9]{{3}})+" for group in spaced)
    pattern = (
        rf"^-?(?:0|[1-9][0-9]{{0,{MAX_DIGITS - 1}}}|{grouped})(?:{re.escape(decimal)}[0-9]{{1,{places}}})?$"
    )
    text = cell.str.replace_many(spaced, [""] * len(spaced)).str.replace(decimal, ".", literal=True)
    value = pl.when(cell.str.contains(pattern)).then(text).cast(dtype, strict=False)
    return pl.when(~(cell.str.starts_with("-") & (value == 0))).then(value)


@lru_cache(maxsize=8)
def _symbols(locale: str) -> tuple[str, tuple[str, ...]]:
    return number_symbols(locale)


def _moment(cell: pl.Expr, zone_name: str) -> pl.Expr:
    """The moment in ``cell`` as UTC when it is a date (local midnight) or a date and a time of day
    without an offset, local to ``zone_name``, in 1970-2037; else null (also for a local time that
    does not exist, which the scalar check dates by the offset before the clocks skipped)."""
    dated = cell.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    timed = cell.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?$")
    text = (
        pl.when(dated)
        .then(pl.concat_str([cell, pl.lit(" 00:00:00")]))
        .when(timed & (cell.str.len_chars() == 16))
        .then(pl.concat_str([cell.str.replace("T", " ", literal=True), pl.lit(":00")]))
        .when(timed)
        .then(cell.str.replace("T", " ", literal=True))
    )
    naive = text.str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
    modern = pl.when(naive.dt.year().is_between(1970, 2037)).then(naive)
    local = modern.dt.replace_time_zone(zone_name, ambiguous="earliest", non_existent="null")
    return local.dt.convert_time_zone("UTC")


def _whole(money: pl.Expr) -> pl.Expr:
    return money.cast(pl.String).str.ends_with(".00")


def _words(column: pl.Series, meaning: Callable[[str], str]) -> pl.Expr:
    """What each cell of ``column`` means (its kind, channel, currency), from ``meaning`` asked once per
    distinct cell; "" where it means nothing."""
    distinct = column.unique().to_list()
    return pl.col(column.name).replace_strict(
        {text: meaning(text) for text in distinct}, default="", return_dtype=pl.String
    )


def typed_rows(
    cells: pl.DataFrame,
    *,
    locale: str,
    zone_name: str,
    default_currency: str,
    customers: Mapping[str, int | None] | None,
    products: Mapping[str, int],
    kind_of: Callable[[str], str],
    channel_of: Callable[[str], str],
    currency_of: Callable[[str], str],
    currencies: set[str],
) -> pl.DataFrame:
    """Per row of ``cells`` (a text column per mapped field; ``customer`` holds the one customer
    reference), the columns :data:`TYPED` and ``taken`` (false where the scalar check must decide).
    ``customers`` maps the reference to the customer id (None: ambiguous); None when a row has
    several references, which the scalar check resolves."""
    present = set(cells.columns)

    def cell(name: str) -> pl.Expr:
        return pl.col(name) if name in present else pl.lit("")

    amount = _number(cell("amount"), locale, 2, _MONEY)
    quantity = (
        pl.when(cell("quantity") == "")
        .then(pl.lit(1, _QUANTITY))
        .otherwise(_number(cell("quantity"), locale, 3, _QUANTITY))
    )
    margin_cell, cost_cell = cell("margin"), cell("cost")
    margin_number, cost_number = (
        _number(margin_cell, locale, 2, _MONEY),
        _number(cost_cell, locale, 2, _MONEY),
    )
    margin = (
        pl.when(margin_cell != "")
        .then(margin_number)
        .when(cost_cell != "")
        .then((amount - cost_number).cast(_MONEY))
        .otherwise(pl.lit(None, _MONEY))
    )
    money_ok = (
        amount.is_not_null()
        & ((margin_cell == "") | margin_number.is_not_null())
        & ((cost_cell == "") | cost_number.is_not_null())
    )
    read = cells.with_columns(
        _currency_cell=pl.when(cell("currency") != "")
        .then(cell("currency"))
        .otherwise(pl.lit(default_currency))
    )
    with_words = read.with_columns(
        _kind_word=_words(read["kind"], kind_of) if "kind" in present else pl.lit(""),
        _channel=_words(read["channel"], channel_of) if "channel" in present else pl.lit(""),
        _currency=_words(read["_currency_cell"], currency_of),
    )
    kind = (
        pl.when(cell("kind") != "")
        .then(pl.col("_kind_word"))
        .when(amount < 0)
        .then(pl.lit("refund"))
        .otherwise(pl.lit("purchase"))
    )
    currency = pl.col("_currency")
    # A currency without a smaller unit takes whole amounts only.
    no_cents = currency.is_in([code for code, places in CURRENCY_DECIMALS.items() if places == 0])
    moment = _moment(cell("occurred_at"), zone_name)
    customer = (
        cell("customer").replace_strict(dict(customers), default=None, return_dtype=pl.Int64)
        if customers is not None
        else pl.lit(None, pl.Int64)
    )
    code = cell("product_code")
    product = code.replace_strict(dict(products), default=None, return_dtype=pl.Int64)
    taken = (
        customer.is_not_null()
        & moment.is_not_null()
        & money_ok
        & quantity.is_not_null()
        & (quantity > 0)
        & (kind != "")
        & ((cell("channel") == "") | (pl.col("_channel") != ""))
        & currency.is_in(sorted(currencies))
        & ~(kind.is_in(sorted(NON_NEGATIVE_KINDS)) & (amount < 0))
        & ~(no_cents & ~(_whole(amount) & (margin.is_null() | _whole(margin))))
        & (product.is_not_null() | (code.str.len_chars() <= 60))
    ).fill_null(False)
    return with_words.select(
        customer.alias("customer_id"),
        moment.alias("occurred_at"),
        kind.alias("kind"),
        product.alias("product_id"),
        quantity.alias("quantity"),
        amount.alias("amount"),
        currency.alias("currency"),
        margin.alias("margin"),
        pl.col("_channel").alias("channel"),
        taken.alias("taken"),
    )
