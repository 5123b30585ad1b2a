"""Password guessing is cut off: after too many failures, even the right password is refused."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fresh_counts(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def accountant(db):
    return User.objects.create_user("li.kuaiji", password="correct-horse-battery")


@override_settings(HUIKUAN_LOGIN_FAILURES_ALLOWED=3)
def test_web_sign_in_is_refused_after_three_failures_even_with_the_right_password(client, accountant):
    client.cookies["huikuan_language"] = "en"  # English, chosen with the language switch
    for _ in range(3):
        response = client.post("/login/", {"username": "li.kuaiji", "password": "guess"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    response = client.post("/login/", {"username": "li.kuaiji", "password": "correct-horse-battery"})

    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-ins" in response.content.decode()


@override_settings(HUIKUAN_LOGIN_FAILURES_ALLOWED=3)
def test_a_success_before_the_limit_clears_the_count(client, accountant):
    for _ in range(2):
        client.post("/login/", {"username": "li.kuaiji", "password": "guess"})
    client.post("/login/", {"username": "li.kuaiji", "password": "correct-horse-battery"})
    assert "_auth_user_id" in client.session
    client.logout()

    for _ in range(2):
        client.post("/login/", {"username": "li.kuaiji", "password": "guess"})
    client.post("/login/", {"username": "li.kuaiji", "password": "correct-horse-battery"})
    assert "_auth_user_id" in client.session


@override_settings(HUIKUAN_LOGIN_FAILURES_ALLOWED=3)
def test_the_api_token_endpoint_counts_the_same_failures(client, accountant):
    for _ in range(3):
        client.post("/login/", {"username": "li.kuaiji", "password": "guess"})

    api = APIClient()
    response = api.post("/api/auth/token/", {"username": "li.kuaiji", "password": "correct-horse-battery"})

    assert response.status_code == 400
