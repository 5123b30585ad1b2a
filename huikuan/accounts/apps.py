from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _refresh_roles(sender, app_config=None, using="default", **kwargs) -> None:
    """After every migrate, each role's group holds exactly the permissions of ``roles.py``.

    Apps added later bring their own permissions; the groups pick them up here, so a new
    role or permission needs no data migration.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from huikuan.accounts.services import roles_install

    # Runs once, after the last app's migrations: every permission must exist by then.
    # (post_migrate is sent only for apps with models: the last of those.)
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is not None and app_config is not with_models[-1]:
        return
    for config in apps.get_app_configs():
        create_permissions(config, verbosity=0, using=using)
    roles_install()


class AccountsConfig(AppConfig):
    name = "huikuan.accounts"
    label = "accounts"
    verbose_name = "Users and roles"

    def ready(self) -> None:
        from huikuan.accounts import throttle  # noqa: F401 - connects the sign-in signal receivers

        post_migrate.connect(_refresh_roles, dispatch_uid="huikuan.accounts.refresh_roles")
