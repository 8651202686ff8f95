from django.urls import path

from lojal.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.register, name="register"),
    path("register.csv", views.register_csv, name="register_csv"),
    path("register.json", views.register_json, name="register_json"),
]
