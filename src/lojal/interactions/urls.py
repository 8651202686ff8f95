from django.urls import path

from lojal.interactions import chat_views, inbox_views, sent_mail_views, views

app_name = "interactions"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/dismiss-auto-replies/", inbox_views.dismiss_auto_replies, name="dismiss_auto_replies"),
    path("<int:interaction_id>/dismiss/", inbox_views.dismiss, name="dismiss"),
    path("<int:interaction_id>/restore/", inbox_views.restore, name="restore"),
    path("sent-mail/", sent_mail_views.sent_mail_list, name="sent_mail_list"),
    path("sent-mail/<int:mail_id>/", sent_mail_views.sent_mail_detail, name="sent_mail"),
    path(
        "sent-mail/<int:mail_id>/attachments/<int:index>/",
        sent_mail_views.sent_mail_attachment,
        name="sent_mail_attachment",
    ),
    path("chats/", views.chat_inbox, name="chats"),
    path("chats/<int:session_id>/", views.chat_inbox, name="chat"),
    path("chats/<int:session_id>/reply/", views.chat_reply, name="chat_reply"),
    path("chats/<int:session_id>/close/", views.chat_close, name="chat_close"),
    path("chats/<int:session_id>/customer/", chat_views.chat_customer, name="chat_customer"),
    path("chats/<int:session_id>/customer/pick/", chat_views.chat_customer_pick, name="chat_customer_pick"),
    path("chats/<int:session_id>/customer/set/", chat_views.chat_customer_set, name="chat_customer_set"),
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
