"""My pages (/portal/): one flat list of pages; every page but the sign-in ones is behind portal_required."""

from __future__ import annotations

from django.urls import path

from lojal.portal import login_views, page_urls

app_name = "portal"

urlpatterns = [
    path("login/", login_views.login_page, name="login"),
    path("login/code/", login_views.login_code, name="login-code"),
    path("login/link/<str:secret>/", login_views.login_link, name="login-link"),
    path("logout/", login_views.logout, name="logout"),
    path("sessions/", login_views.sessions_page, name="sessions"),
    path("sessions/<int:session_id>/end/", login_views.session_end, name="session-end"),
    path("sessions/tokens/", login_views.token_create, name="token-create"),
]
# The pages of My pages (cases, details, theme), from lojal.portal.page_urls.
urlpatterns += page_urls.urlpatterns
