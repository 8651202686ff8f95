from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "lojal.workspace"
    label = "workspace"
