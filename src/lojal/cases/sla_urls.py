"""/service/sla/: the service-level policies pages."""

from django.urls import path

from lojal.cases import sla_views

app_name = "cases_sla"

urlpatterns = [
    path("", sla_views.sla_policies, name="list"),
    path("new/", sla_views.sla_policy_edit, name="new"),
    path("<int:policy_id>/", sla_views.sla_policy_edit, name="edit"),
    path("<int:policy_id>/move/", sla_views.sla_policy_move, name="move"),
    path("<int:policy_id>/delete/", sla_views.sla_policy_remove, name="delete"),
]
