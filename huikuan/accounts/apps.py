from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huikuan.accounts"
    label = "accounts"
    verbose_name = "Users and roles"

    def ready(self) -> None:
        from huikuan.accounts import throttle  # noqa: F401 - connects the sign-in signal receivers
