"""The bills through the API: the credit manager receives a bill against 湖畔机电's invoices,
endorses it, and the credit check's exposure keeps it; the register lists it as falling due.

HZ001 owes YS-0301 (60,000.00 open of 100,000.00) and YS-0302 (50,000.00); no order is open.
"""

from __future__ import annotations

RECEIVE = {
    "customer_code": "HZ001",
    "number": "531058000001220240430000000777",
    "kind": "commercial",
    "drawer": "杭州湖畔机电有限公司",
    "acceptor": "杭州湖畔机电有限公司",
    "issue_date": "2024-04-30",
    "maturity_date": "2024-10-30",
    "received_on": "2024-05-01",
    "amount": "110000.00",
    "invoices": [{"invoice_number": "YS-0301"}, {"invoice_number": "YS-0302", "amount": "50000.00"}],
}


def exposure(client, on: str) -> dict:
    body = {"customer": "HZ001", "amount": "0", "as_of": on}
    check = client.post("/api/credit/check/", body, format="json")
    assert check.status_code == 200, check.content
    return {key: check.json()[key] for key in ("open_receivables", "bills_outstanding", "exposure")}


def test_the_credit_manager_receives_and_endorses_a_bill_and_the_exposure_keeps_it(api_as):
    manager = api_as("credit_manager")
    assert exposure(manager, "2024-05-01")["exposure"] == "110000.00"
    received = manager.post("/api/bills/", RECEIVE, format="json")
    assert received.status_code == 201, received.content
    bill = received.json()
    assert bill["status"] == "held"
    assert bill["invoices"] == [
        {"invoice_number": "YS-0301", "amount": "60000.00"},
        {"invoice_number": "YS-0302", "amount": "50000.00"},
    ]
    assert exposure(manager, "2024-05-01") == {
        "open_receivables": "0.00",
        "bills_outstanding": "110000.00",
        "exposure": "110000.00",
    }
    endorsed = manager.post(
        f"/api/bills/{bill['id']}/endorse/", {"endorsee": "宁波钢材", "on": "2024-05-10"}, format="json"
    )
    assert endorsed.status_code == 200, endorsed.content
    assert exposure(manager, "2024-05-10")["bills_outstanding"] == "110000.00"
    due = manager.get("/api/bills/", {"due_within": "30", "as_of": "2024-10-01"}).json()["results"]
    assert [b["number"] for b in due] == [RECEIVE["number"]]
    assert manager.get("/api/bills/", {"due_within": "30", "as_of": "2024-09-01"}).json()["results"] == []
    # Not plain digits (a superscript two counts as a digit to Python): the whole register, not a 500.
    assert manager.get("/api/bills/", {"due_within": "²"}).status_code == 200


def test_refusals_answer_409_naming_the_field(api_as):
    manager = api_as("credit_manager")
    late = manager.post("/api/bills/", RECEIVE | {"maturity_date": "2024-10-31"}, format="json")
    assert late.status_code == 409
    assert "maturity_date" in late.json()["fields"]
    received = manager.post("/api/bills/", RECEIVE, format="json").json()
    early = manager.post(f"/api/bills/{received['id']}/honour/", {"on": "2024-10-29"}, format="json")
    assert early.status_code == 409


def test_an_auditor_reads_the_register_and_a_customer_contact_does_not(api_as):
    api_as("credit_manager").post("/api/bills/", RECEIVE, format="json")
    assert len(api_as("auditor").get("/api/bills/").json()["results"]) == 1
    assert api_as("auditor").post("/api/bills/", RECEIVE, format="json").status_code == 403
    assert api_as("customer_contact").get("/api/bills/").status_code == 403
    # collector_wang works HZ001: he reads its bill; collector_zhao does not see it.
    assert len(api_as("collector_wang").get("/api/bills/").json()["results"]) == 1
    assert api_as("collector_zhao").get("/api/bills/").json()["results"] == []
