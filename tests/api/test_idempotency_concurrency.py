"""An ERP retries a POST while the first is still running: every copy with the same
Idempotency-Key gets the first response, never a 409, and the write happens once.

The thread test needs PostgreSQL (row locks between connections); the SQLite-safe tests
stage the same moments one after another: a reservation that another request is still
working on, one whose request failed, one whose process died.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from huikuan.api import idempotency
from huikuan.api.models import IdempotencyKey
from huikuan.ledger.models import Allocation, Invoice

ALLOCATION = {"payment": "HK-001", "invoice": "YS-0302", "amount": "5000.00"}
KEY = {"HTTP_IDEMPOTENCY_KEY": "erp-batch-7"}
CLIENTS = 20


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_posts_with_one_key_all_get_the_first_response(api_as):
    clients = [api_as("credit_manager") for _ in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)
    responses: list = [None] * CLIENTS

    def post(index: int) -> None:
        try:
            start.wait()
            responses[index] = clients[index].post("/api/allocations/", ALLOCATION, format="json", **KEY)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * CLIENTS
    assert all(response.json() == responses[0].json() for response in responses)
    assert sum(response.get("Idempotent-Replayed") == "true" for response in responses) == CLIENTS - 1
    assert Allocation.objects.filter(invoice__number="YS-0302").count() == 1
    assert Invoice.objects.get(number="YS-0302").applied_amount == 5000


def _reservation(user, **fields) -> IdempotencyKey:
    return IdempotencyKey.objects.create(
        user=user,
        key=KEY["HTTP_IDEMPOTENCY_KEY"],
        method="POST",
        path="/api/allocations/",
        request_hash=fields.pop("request_hash", ""),
        **fields,
    )


def _hash_of_the_allocation(api_as, personas) -> str:
    """The hash a request with ALLOCATION as its body gets."""

    class Posted:
        method, path, data = "POST", "/api/allocations/", ALLOCATION

    return idempotency._request_hash(Posted)


def test_a_request_arriving_while_the_first_is_in_flight_waits_and_replays_it(api_as, personas, monkeypatch):
    digest = _hash_of_the_allocation(api_as, personas)
    first = _reservation(personas["credit_manager"], request_hash=digest)
    body = {"id": 1, "amount": "5000.00", "note": "the first response"}

    def first_request_finishes(seconds: float) -> None:
        IdempotencyKey.objects.filter(pk=first.pk).update(status_code=201, response_body=body)

    monkeypatch.setattr(idempotency.time, "sleep", first_request_finishes)
    response = api_as("credit_manager").post("/api/allocations/", ALLOCATION, format="json", **KEY)

    assert response.status_code == 201
    assert response.json() == body
    assert response["Idempotent-Replayed"] == "true"
    assert not Allocation.objects.filter(invoice__number="YS-0302").exists()  # the waiter wrote nothing


def test_when_the_first_request_fails_the_waiting_one_does_the_work(api_as, personas, monkeypatch):
    digest = _hash_of_the_allocation(api_as, personas)
    first = _reservation(personas["credit_manager"], request_hash=digest)
    monkeypatch.setattr(
        idempotency.time, "sleep", lambda seconds: IdempotencyKey.objects.filter(pk=first.pk).delete()
    )
    response = api_as("credit_manager").post("/api/allocations/", ALLOCATION, format="json", **KEY)
    assert response.status_code == 201
    assert Allocation.objects.filter(invoice__number="YS-0302").count() == 1
    assert IdempotencyKey.objects.get(key=KEY["HTTP_IDEMPOTENCY_KEY"]).status_code == 201


def test_a_reservation_left_by_a_dead_process_is_taken_over(api_as, personas, monkeypatch, settings):
    digest = _hash_of_the_allocation(api_as, personas)
    dead = _reservation(personas["credit_manager"], request_hash=digest)
    long_ago = timezone.now() - timedelta(seconds=settings.HUIKUAN_IDEMPOTENCY_STALE_SECONDS + 1)
    IdempotencyKey.objects.filter(pk=dead.pk).update(created_at=long_ago)
    monkeypatch.setattr(idempotency.time, "sleep", lambda seconds: None)
    response = api_as("credit_manager").post("/api/allocations/", ALLOCATION, format="json", **KEY)
    assert response.status_code == 201
    assert Allocation.objects.filter(invoice__number="YS-0302").count() == 1


def test_a_refused_body_leaves_the_key_free_for_a_corrected_retry(api_as, personas):
    manager = api_as("credit_manager")
    refused = manager.post("/api/allocations/", {**ALLOCATION, "amount": "999999.00"}, format="json", **KEY)
    assert refused.status_code == 409
    assert not IdempotencyKey.objects.exists()


def test_only_a_request_still_waiting_past_the_limit_gets_409(api_as, personas, monkeypatch, settings):
    settings.HUIKUAN_IDEMPOTENCY_WAIT_SECONDS = 0
    digest = _hash_of_the_allocation(api_as, personas)
    _reservation(personas["credit_manager"], request_hash=digest)
    monkeypatch.setattr(idempotency.time, "sleep", lambda seconds: None)
    response = api_as("credit_manager").post("/api/allocations/", ALLOCATION, format="json", **KEY)
    assert response.status_code == 409
    assert not Allocation.objects.filter(invoice__number="YS-0302").exists()
