from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huikuan.core"

    def ready(self) -> None:
        from huikuan.core.audit import audit_relations_untracked

        audit_relations_untracked()
