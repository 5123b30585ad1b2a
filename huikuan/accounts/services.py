"""Writes for users and roles: each one transaction, recorded in the audit trail."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from huikuan.accounts.models import CustomerUser
from huikuan.accounts.roles import CUSTOMER, ROLE_PERMISSIONS, ROLES
from huikuan.core.errors import ApplicationError, NotFound, RuleViolation
from huikuan.ledger.models import Customer


def roles_install(*, apps=global_apps, skip_missing: bool = False) -> int:
    """Create or refresh one group per role with exactly its permissions.

    Takes the migration's historical ``apps`` from the data migration, which skips the
    permissions of apps not migrated yet (``skip_missing``): the refresh after migrate adds
    them. Returns how many groups were created.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    created = 0
    for role, wanted in ROLE_PERMISSIONS.items():
        group, was_created = group_model.objects.get_or_create(name=role)
        created += was_created
        permissions = []
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                if skip_missing:
                    continue
                raise ApplicationError(f"permission {dotted} of role {role} does not exist; run migrate")
            permissions.append(permission)
        group.permissions.set(permissions)
    return created


@dataclass(frozen=True)
class CreatedUser:
    user: object
    role: str
    password: str
    password_generated: bool
    customer_code: str

    def as_dict(self) -> dict:
        return {
            "username": self.user.get_username(),
            "role": self.role,
            "email": self.user.email,
            "customer": self.customer_code or None,
            "password": self.password if self.password_generated else None,
            "password_generated": self.password_generated,
        }


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    customer_code: str = "",
) -> CreatedUser:
    """Create a user in one role; a customer user is linked to their customer.

    Without a password one is generated, to be handed over once.
    """
    if role not in ROLES:
        raise RuleViolation(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if (role == CUSTOMER) != bool(customer_code):
        raise RuleViolation("a customer user needs --customer CODE, and only a customer user takes one")
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise RuleViolation(f"user {username!r} already exists")
    customer = None
    if customer_code:
        customer = Customer.objects.filter(code=customer_code).first()
        if customer is None:
            raise NotFound(f"no customer with code {customer_code!r}")
    generated = password is None
    if generated:
        password = secrets.token_urlsafe(12)
    user = user_model(username=username, email=email)
    try:
        user.full_clean(exclude=["password"])
        validate_password(password, user)
    except ValidationError as invalid:
        raise RuleViolation("; ".join(invalid.messages)) from None
    user.set_password(password)
    user.save()
    group_model = global_apps.get_model("auth", "Group")
    group = group_model.objects.filter(name=role).first()
    if group is None:
        # A flushed test database loses the migration's groups; put them back.
        roles_install()
        group = group_model.objects.get(name=role)
    user.groups.add(group)
    if customer is not None:
        CustomerUser.objects.create(user=user, customer=customer)
    return CreatedUser(user, role, password, generated, customer_code)


def user_token(*, username: str) -> str:
    """The user's API token, created on first request."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"no user {username!r}")
    if not user.is_active:
        raise RuleViolation(f"user {username!r} is inactive")
    token, _ = Token.objects.get_or_create(user=user)
    return token.key
