from django.urls import path

from lojal.core import export_views

urlpatterns = [
    path("<int:job_id>/", export_views.export_job, name="export_job"),
    path("<int:job_id>/download/", export_views.export_job_download, name="export_job_download"),
]
