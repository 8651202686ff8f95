from django.urls import path

from lojal.privacy import subject_views as views

app_name = "subject_rights"
urlpatterns = [
    path("<int:customer_id>/export/", views.export_download, name="export"),
    path("<int:customer_id>/erase/", views.erase, name="erase"),
    path("<int:customer_id>/legal-hold/", views.legal_hold, name="legal_hold"),
]
