"""The addresses of My pages (under /portal/, in the ``portal`` namespace). The sign-in pages and the
portal's urls.py (app_name "portal") come with the portalauth branch, which adds these with
``urlpatterns += page_urls.urlpatterns``."""

from django.urls import path

from lojal.portal import views

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/new/suggestions/", views.suggestions, name="suggestions"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/reply/", views.case_reply, name="case_reply"),
    path("cases/<int:case_id>/close/", views.case_close, name="case_close"),
    path("cases/<int:case_id>/reopen/", views.case_reopen, name="case_reopen"),
    path("cases/<int:case_id>/rate/", views.case_rate, name="case_rate"),
    path("cases/<int:case_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("details/", views.details, name="details"),
    path("language/", views.language_set, name="language"),
    path("theme.css", views.theme_css, name="theme_css"),
    path("logo", views.theme_logo, name="logo"),
]
