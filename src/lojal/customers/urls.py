from django.urls import path

from lojal.customers import bulk_views, export_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_new, name="new"),
    path("new/check/", views.customer_new_check, name="new_check"),
    path("search/", views.global_search, name="global_search"),
    path("bulk/", bulk_views.customers_bulk, name="bulk"),
    path("export/", export_views.customers_export, name="export"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:suspicion_id>/", views.merge, name="merge"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<int:customer_id>/national-id/", views.national_id_reveal, name="national_id_reveal"),
    path("<int:customer_id>/delete/", views.customer_delete, name="delete"),
    path("<int:customer_id>/notes/", views.note_add, name="note_add"),
    path("<int:customer_id>/timeline/", views.timeline, name="timeline"),
    path("<int:customer_id>/contacts/", views.contact_add, name="contact_add"),
    path("<int:customer_id>/contacts/<int:contact_id>/delete/", views.contact_remove, name="contact_remove"),
]
