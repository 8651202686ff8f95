from django.urls import path

from lojal.cases import kpi_views

app_name = "case_kpis"
urlpatterns = [
    path("", kpi_views.kpi_dashboard, name="dashboard"),
    path("kpis.csv", kpi_views.kpi_csv, name="csv"),
]
