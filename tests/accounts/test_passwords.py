"""Passwords are stored with Argon2id, cheap enough that a sign-in takes milliseconds; a
password stored before (PBKDF2) still signs in and is stored anew with Argon2id."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password

from huikuan.config import settings as production

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_hashers(settings):
    """The hashers production stores passwords with (the tests' own are fast: tests/conftest.py)."""
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS


def test_a_new_password_is_stored_with_argon2id_at_owasps_parameters():
    stored = make_password("lang-kong-7788")
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    started = time.perf_counter()
    assert check_password("lang-kong-7788", stored)
    # PBKDF2 at Django's 1,000,000 iterations took 0.7–3 s here: every sign-in waited for it.
    assert time.perf_counter() - started < 0.5


def test_a_password_stored_with_pbkdf2_signs_in_and_is_upgraded(client):
    user = get_user_model().objects.create(username="lao.zhang")
    user.password = PBKDF2PasswordHasher().encode("lang-kong-7788", "saltsaltsalt", iterations=1000)
    user.save()

    response = client.post("/login/", {"username": "lao.zhang", "password": "lang-kong-7788"})

    assert response.status_code == 302 and "/login/" not in response["Location"]
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
