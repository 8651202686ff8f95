from django.urls import path

from lojal.core import list_views

app_name = "lists"
urlpatterns = [
    path("views/", list_views.saved_view_save, name="view_save"),
    path("views/<int:view_id>/delete/", list_views.saved_view_remove, name="view_delete"),
]
