"""Forms of the knowledge base's staff pages; the services check every rule again (addresses unique per
language, categories two levels deep, synonym lines)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lojal.core.forms import ServiceForm
from lojal.knowledge.models import Article, ArticleLanguage


class ArticleForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    language = forms.ChoiceField(label=_("Language"), choices=ArticleLanguage.choices)
    slug = forms.CharField(
        label=_("Address"),
        max_length=220,
        required=False,
        help_text=_("The last part of the article's web address; made from the title when left empty."),
    )
    category_id = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, choices=()
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=1100,
        required=False,
        help_text=_("Words separated by commas; search weighs them like the title."),
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Article.Visibility.choices)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        max_length=100_000,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "true"}),
        help_text=_(
            "Markdown: **bold**, *italic*, # headings, - lists, [link](https://...), ![image](address), "
            "tables. HTML is shown as text."
        ),
    )

    def __init__(
        self, *args: Any, categories: list[tuple[int, str]], language_fixed: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = [("", _("No category")), *categories]  # type: ignore[attr-defined]
        if language_fixed:
            # An article's language never changes: a translation is another article of its group.
            del self.fields["language"]

    @staticmethod
    def initial_for(article: Article) -> dict[str, Any]:
        return {
            "title": article.title,
            "slug": article.slug,
            "category_id": article.category_id,
            "tags": ", ".join(article.tags),
            "visibility": article.visibility,
            "body": article.body,
        }

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as the article services take it (tags as a list)."""
        data = dict(self.cleaned_data)
        data["tags"] = [tag.strip() for tag in data.get("tags", "").split(",") if tag.strip()]
        return data


class CategoryForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.CharField(
        label=_("Address"), max_length=80, required=False, help_text=_("Made from the name when left empty.")
    )
    parent_id = forms.TypedChoiceField(
        label=_("Under"), required=False, coerce=int, empty_value=None, choices=()
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=10_000, initial=0)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args: Any, parents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent_id"].choices = [("", _("(top level)")), *parents]  # type: ignore[attr-defined]
        for code, label in ArticleLanguage.choices:
            self.fields[f"name_{code}"] = forms.CharField(
                label=_("Name in %(language)s") % {"language": label}, max_length=100, required=False
            )

    def service_error_field(self, key: str) -> str | None:
        return "name_sv" if key == "names" else super().service_error_field(key)

    def service_data(self) -> dict[str, Any]:
        data = {key: value for key, value in self.cleaned_data.items() if not key.startswith("name_")}
        data["names"] = {
            code: self.cleaned_data[f"name_{code}"].strip()
            for code in ArticleLanguage.values
            if self.cleaned_data.get(f"name_{code}", "").strip()
        }
        return data


class SynonymsForm(ServiceForm):
    text = forms.CharField(
        label=_("Synonyms"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "false"}),
        help_text=_(
            "One line per group of words that mean the same to customers, separated by commas: "
            "lösen, lösenord, pinkod"
        ),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File or image"))
