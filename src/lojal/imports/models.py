"""Import jobs: the uploaded file, its column mapping, the dry run's counts and rejected rows, and the
checked rows staged until the user commits them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers")
    PRODUCTS = "products", _("Products")
    TRANSACTIONS = "transactions", _("Transactions")
    HOLDINGS = "holdings", _("Holdings")


class ImportJob(models.Model):
    """One file being imported: checked first (a dry run that writes only to staging), then committed
    all at once, or cancelled."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked, ready to commit")
        COMMITTING = "committing", _("Committing")
        DONE = "done", _("Committed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=12, choices=ImportKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(_("source"), max_length=60, default="file")
    file_name = models.CharField(_("file"), max_length=255)
    file_path = models.CharField(max_length=500)
    file_size = models.BigIntegerField(default=0)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    has_header = models.BooleanField(default=True)
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    default_currency = models.CharField(_("default currency"), max_length=3, default="SEK")
    # How the file writes numbers (sv_SE, nb_NO, da_DK, fi_FI, en_GB, en_US); "" is LOJAL_DEFAULT_COUNTRY's.
    number_locale = models.CharField(_("number format"), max_length=5, blank=True, default="")
    commit_after_check = models.BooleanField(default=False)

    rows_done = models.BigIntegerField(default=0)
    fraction_done = models.FloatField(default=0)
    created_count = models.BigIntegerField(_("created"), default=0)
    updated_count = models.BigIntegerField(_("updated"), default=0)
    unchanged_count = models.BigIntegerField(_("unchanged"), default=0)
    rejected_count = models.BigIntegerField(_("rejected"), default=0)
    skipped_lines = models.JSONField(default=list, blank=True)
    # What the commit will do besides the rows: {"new_products": [codes], "new_product_count": n,
    # "new_product_names": {code: name}, "attribute_columns": [headers]}; written by the check.
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # A commit that failed for want of room (disk full) or of the database: nothing was written and the
    # checked rows are kept, so the same job can be committed again once the cause is gone.
    is_commit_retryable = models.BooleanField(default=False)
    cancel_requested = models.BooleanField(default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The uploaded file holds personal data: it is deleted some days after the job finished (or by hand);
    # the job, its counts and its rejected rows stay.
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.CHECKING, self.Status.COMMITTING)

    @property
    def can_commit(self) -> bool:
        committable = self.status == self.Status.CHECKED or (
            self.status == self.Status.FAILED and self.is_commit_retryable
        )
        return committable and (self.skip_bad_rows or not self.rejected_count)

    @property
    def percent(self) -> int:
        return round(self.fraction_done * 100)

    @property
    def new_products_shown(self) -> list[str]:
        """The report's new article codes as the dry run names them: "KAF-100 (Kaffebryggare)" where
        the file describes the article, else the code alone."""
        names = self.report.get("new_product_names", {})
        return [
            f"{code} ({names[code]})" if code in names else code
            for code in self.report.get("new_products", [])
        ]


class ImportRejection(models.Model):
    """A row the import will not take, with its line in the file, the field and the reason."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejections", db_index=False)
    line = models.IntegerField()
    field = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=300)
    value = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["job", "line", "id"], name="import_rejection_job_line")]

    def __str__(self) -> str:
        return f"{self.line}: {self.field} {self.reason}"


class ImportMapping(models.Model):
    """The column mapping last used for a source and kind, offered again on the next import."""

    source = models.CharField(max_length=60)
    kind = models.CharField(max_length=12, choices=ImportKind.choices)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "kind"], name="import_mapping_per_source")]

    def __str__(self) -> str:
        return f"{self.source} {self.kind}"


class StagedRow(models.Model):
    """A checked row of a customers, products or holdings import, waiting for the commit."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+", db_index=False)
    line = models.IntegerField()
    action = models.CharField(max_length=8)  # create, update or link (unchanged, remember the source key)
    target_id = models.BigIntegerField(null=True)
    key = models.CharField(max_length=200, blank=True)
    alt_key = models.CharField(max_length=200, blank=True)
    row_hash = models.CharField(max_length=32, blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["job", "key"], name="staged_row_job_key"),
            models.Index(fields=["job", "alt_key"], name="staged_row_job_alt_key"),
            models.Index(fields=["job", "line"], name="staged_row_job_line"),
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.line} {self.action}"


class StagedTransaction(models.Model):
    """A checked transaction row, typed, waiting for the commit (written with COPY on PostgreSQL and
    applied with one INSERT ... SELECT and one UPDATE ... FROM)."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    line = models.IntegerField()
    action = models.CharField(max_length=8)
    target_id = models.BigIntegerField(null=True)
    customer_id = models.BigIntegerField()
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=24)
    product_id = models.BigIntegerField(null=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    currency = models.CharField(max_length=3)
    margin = models.DecimalField(max_digits=16, decimal_places=2, null=True)
    channel = models.CharField(max_length=10, blank=True)
    external_id = models.CharField(max_length=100)
    row_hash = models.CharField(max_length=32)
    attributes = models.JSONField(default=dict)
    # An article code the catalogue did not have at the check: the commit makes its stub product,
    # named by the first description the file gave for the code ("" when none).
    product_code = models.CharField(max_length=60, blank=True, default="")
    product_name = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["job", "external_id"], name="staged_tx_job_external_id")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.line} {self.action}"


class RowOccurrence(models.Model):
    """While a transaction file without an id column is checked: how often each row content (its hash)
    has been seen so far, so that identical rows get ids ``row:<hash>:1``, ``:2``, ... in the database
    rather than in a counter in memory that would grow with the file. Deleted when the check ends."""

    job = models.ForeignKey(
        ImportJob, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    digest = models.CharField(max_length=32)
    seen = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "digest"], name="row_occurrence_job_digest")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.digest} x{self.seen}"
