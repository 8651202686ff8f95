from django.urls import path

from lojal.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("<int:job_id>/", views.import_detail, name="detail"),
    path("<int:job_id>/progress/", views.import_progress, name="progress"),
    path("<int:job_id>/mapping/", views.import_mapping, name="mapping"),
    path("<int:job_id>/commit/", views.import_commit, name="commit"),
    path("<int:job_id>/cancel/", views.import_cancel, name="cancel"),
    path("<int:job_id>/file/delete/", views.import_file_delete, name="file_delete"),
]
