from django.urls import path

from lojal.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_new, name="new"),
    path("<int:activity_id>/edit/", views.activity_edit, name="edit"),
    path("<int:activity_id>/complete/", views.activity_complete, name="complete"),
    path("<int:activity_id>/cancel/", views.activity_status, {"change": "cancel"}, name="cancel"),
    path("<int:activity_id>/reopen/", views.activity_status, {"change": "reopen"}, name="reopen"),
    path("customer/<int:customer_id>/", views.customer_card, name="customer_card"),
    path("customers/pick/", views.customer_pick, name="customer_pick"),
    path("bell/", views.bell, name="bell"),
    path("notifications/", views.notifications, name="notifications"),
    path("settings/", views.reminder_settings, name="settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
