"""Importing transactions: the check on columns (``check``), the rows the columns cannot type one by
one (``rows``), the words of kinds, channels and currencies (``words``), and the set-based commit
(``commit``)."""

from lojal.imports.transactions.check import STAGED_COLUMNS, TransactionImporter

__all__ = ["STAGED_COLUMNS", "TransactionImporter"]
