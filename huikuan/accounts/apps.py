from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "huikuan.accounts"
    label = "accounts"
    verbose_name = "Users and roles"
