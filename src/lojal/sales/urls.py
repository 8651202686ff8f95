from django.urls import path

from lojal.sales import product_views, views

app_name = "sales"
urlpatterns = [
    path("customers/<int:customer_id>/panel/", views.customer_panel, name="customer_panel"),
    path(
        "customers/<int:customer_id>/transactions/", views.customer_transactions, name="customer_transactions"
    ),
    path("products/", product_views.product_list, name="products"),
    path("products/export/", product_views.product_export, name="product_export"),
    path("products/new/", product_views.product_new, name="product_new"),
    path("products/<int:product_id>/edit/", product_views.product_edit, name="product_edit"),
    path("categories/", product_views.category_list, name="categories"),
    path("categories/<int:category_id>/edit/", product_views.category_edit, name="category_edit"),
]
