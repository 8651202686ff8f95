"""The knowledge base's staff pages, at /knowledge/ (the public help centre is /help/)."""

from django.urls import path

from lojal.knowledge import setup_views, views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("new/", views.article_new, name="new"),
    path("preview/", views.article_preview, name="preview"),
    path("<int:article_id>/", views.article_page, name="article"),
    path("<int:article_id>/status/", views.article_status, name="status"),
    path("<int:article_id>/versions/", views.article_versions, name="versions"),
    path("<int:article_id>/versions/<int:number>/restore/", views.article_restore, name="restore"),
    path("<int:article_id>/attachments/", views.attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/remove/", views.attachment_remove, name="attachment_remove"),
    path("files/<int:attachment_id>/<str:name>", views.attachment_file, name="file"),
    path("categories/", setup_views.category_list, name="categories"),
    path("categories/<int:category_id>/", setup_views.category_edit, name="category_edit"),
    path("synonyms/", setup_views.synonyms, name="synonyms"),
]
