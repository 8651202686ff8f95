"""Admin screens for what administrators configure by hand: email templates and website contact forms."""

from __future__ import annotations

from django.contrib import admin

from lojal.interactions.models import MessageTemplate, WebForm


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "language", "subject")
    list_filter = ("language",)
    search_fields = ("name", "key", "subject")


@admin.register(WebForm)
class WebFormAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "language", "is_active")
    list_filter = ("is_active",)
