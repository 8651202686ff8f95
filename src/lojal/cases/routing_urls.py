"""Routing rules, service channels and opening a case from a call (included under service/)."""

from django.urls import path

from lojal.cases import routing_views as views

app_name = "service_routing"

urlpatterns = [
    path("routing/", views.rule_list, name="rules"),
    path("routing/new/", views.rule_edit, name="rule_new"),
    path("routing/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("routing/<int:rule_id>/action/", views.rule_action, name="rule_action"),
    path("channels/", views.channel_list, name="channels"),
    path("calls/<int:interaction_id>/case/", views.call_case, name="call_case"),
]
