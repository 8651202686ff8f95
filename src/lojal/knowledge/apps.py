from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "lojal.knowledge"
    label = "knowledge"
