from django.urls import path

from lojal.calendars import views

app_name = "calendars"
urlpatterns = [
    path("", views.calendar_list, name="list"),
    path("<int:calendar_id>/", views.calendar_detail, name="detail"),
    path("<int:calendar_id>/week/", views.calendar_week, name="week"),
    path("<int:calendar_id>/days/", views.special_day_set, name="day_set"),
    path("<int:calendar_id>/days/<str:date>/remove/", views.special_day_remove, name="day_remove"),
    path("<int:calendar_id>/delete/", views.calendar_delete, name="delete"),
]
