"""The staff page for My pages' look and organisations' access (the service desk's settings area)."""

from django.urls import path

from lojal.portal import settings_views

app_name = "portal-settings"
urlpatterns = [
    path("", settings_views.portal_settings, name="edit"),
]
