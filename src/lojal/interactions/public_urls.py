from django.urls import path

from lojal.interactions import public_views

app_name = "public"
urlpatterns = [
    path("forms/<slug:key>/", public_views.webform, name="webform"),
    path("forms/<slug:key>/embed.js", public_views.webform_embed, name="webform_embed"),
    path("chat/widget.js", public_views.chat_widget, name="chat_widget"),
    path("chat/", public_views.chat_start, name="chat_start"),
    path("chat/s/<str:token>/", public_views.chat_session, name="chat_session"),
    path("chat/s/<str:token>/send/", public_views.chat_send, name="chat_send"),
    path("chat/s/<str:token>/end/", public_views.chat_end, name="chat_end"),
]
