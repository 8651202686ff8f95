from django.urls import path

from lojal.sales import views

app_name = "sales"
urlpatterns = [
    path("customers/<int:customer_id>/panel/", views.customer_panel, name="customer_panel"),
    path(
        "customers/<int:customer_id>/transactions/", views.customer_transactions, name="customer_transactions"
    ),
]
