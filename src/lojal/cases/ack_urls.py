from django.urls import path

from lojal.cases import ack_views

app_name = "acknowledgements"

urlpatterns = [
    path("", ack_views.ack_template_list, name="list"),
    path("<str:language>/", ack_views.ack_template_edit, name="edit"),
]
