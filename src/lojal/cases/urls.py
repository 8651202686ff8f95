"""The service desk's pages, at /service/: the queue view, the case page, new cases, macros and the
settings hub (other parts of the desk bring their settings pages under /service/ too)."""

from django.urls import path

from lojal.cases.views import articles, case, queue, setup

app_name = "cases"
urlpatterns = [
    path("", queue.queue_view, name="queue"),
    path("queues/<int:queue_id>/cases/", queue.queue_view, name="queue_cases"),
    path("next/", queue.take_next, name="take_next"),
    path("bulk/", queue.bulk, name="bulk"),
    path("away/", queue.away, name="away"),
    path("cases/new/", case.case_new, name="case_new"),
    path("cases/new/customers/", case.customer_pick, name="customer_pick"),
    path("cases/<int:case_id>/", case.case_page, name="case"),
    path("cases/<int:case_id>/reply/", case.reply, name="reply"),
    path("cases/<int:case_id>/macro/", case.macro_fill, name="macro_fill"),
    path("cases/<int:case_id>/notes/", case.note, name="note"),
    path("cases/<int:case_id>/change/", case.change, name="change"),
    path("cases/<int:case_id>/tags/", case.tags, name="tags"),
    path("cases/<int:case_id>/time/", case.time_add, name="time"),
    path("cases/<int:case_id>/follow-up/", case.follow_up, name="follow_up"),
    path("cases/<int:case_id>/presence/", case.presence, name="presence"),
    path("cases/<int:case_id>/customer/", case.customer_more, name="customer_more"),
    path("cases/<int:case_id>/history/", case.history, name="history"),
    path("cases/<int:case_id>/articles/", articles.article_search, name="article_search"),
    path("cases/<int:case_id>/articles/insert/", articles.article_insert, name="article_insert"),
    path("macros/", setup.macro_list, name="macros"),
    path("macros/new/", setup.macro_edit, name="macro_new"),
    path("macros/<int:macro_id>/", setup.macro_edit, name="macro_edit"),
    path("settings/", setup.settings_hub, name="settings"),
    path("settings/queues/", setup.queue_list, name="queues"),
    path("settings/queues/new/", setup.queue_edit, name="queue_new"),
    path("settings/queues/<int:queue_id>/", setup.queue_edit, name="queue_edit"),
    path("settings/categories/", setup.categories, name="categories"),
]
