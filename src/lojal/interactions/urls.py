from django.urls import path

from lojal.interactions import views

app_name = "interactions"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("chats/", views.chat_inbox, name="chats"),
    path("chats/<int:session_id>/", views.chat_inbox, name="chat"),
    path("chats/<int:session_id>/reply/", views.chat_reply, name="chat_reply"),
    path("chats/<int:session_id>/close/", views.chat_close, name="chat_close"),
    path("<int:interaction_id>/", views.detail, name="detail"),
    path("<int:interaction_id>/link/", views.link, name="link"),
    path("<int:interaction_id>/retry/", views.email_retry, name="retry"),
    path("<int:interaction_id>/pick/", views.customer_pick, name="pick"),
    path("<int:interaction_id>/create-customer/", views.create_customer, name="create_customer"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("customers/<int:customer_id>/log/", views.log, name="log"),
    path("customers/<int:customer_id>/email/", views.compose, name="compose"),
    path("customers/<int:customer_id>/sms/", views.sms_compose, name="sms"),
]
