from django.urls import path

from lojal.workspace import bulk_views, views

app_name = "workspace"
urlpatterns = [
    path("call-lists/", views.call_list_index, name="call_lists"),
    path("call-lists/from-customers/", bulk_views.customers_call_list_page, name="customers_call_list"),
    path("call-lists/from-view/", views.call_list_from_view, name="call_list_from_view"),
    path("call-lists/<int:call_list_id>/", views.call_list_work, name="call_list_work"),
    path("call-lists/<int:call_list_id>/close/", views.call_list_close, name="call_list_close"),
    path(
        "call-lists/<int:call_list_id>/entries/<int:entry_id>/log/", views.call_list_log, name="call_list_log"
    ),
    path(
        "call-lists/<int:call_list_id>/entries/<int:entry_id>/skip/",
        views.call_list_skip,
        name="call_list_skip",
    ),
]
