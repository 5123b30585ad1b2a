"""Who may do what, through every door: each write endpoint of the API schema and each POST
form of the web, for every role, against the table below (docs/permissions.md).

A refused role gets 403 and writes nothing; an allowed one is never refused (its empty body
may well be 400, or 404/409 for the record). collector_zhao works other customers than the
records here: allowed or not, he never gets through (403 or 404). A new write endpoint
fails ``test_every_write_endpoint_of_the_schema_is_in_the_table`` until it is added here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from huikuan.accounts.roles import (
    ADMIN,
    AUDITOR,
    CFO,
    COLLECTOR,
    CREDIT_ANALYST,
    CREDIT_MANAGER,
    CUSTOMER,
    DEPARTMENT_HEAD,
    LEGAL,
    MARKET_DEVELOPMENT,
    PRESIDENT,
    ROLES,
    SALES_MANAGER,
    SALESPERSON,
)
from huikuan.accounts.services import user_create, user_token
from huikuan.collections.legal import legal_case_open
from huikuan.collections.models import DunningPolicy
from huikuan.collections.services import dispute_open
from huikuan.correspondence.models import DocumentTemplate
from huikuan.credit.flows import HOLD_LIFT, hold_lift_request
from huikuan.credit.services import customer_hold_place, order_create
from huikuan.finance.models import EarlyWarning, ReportSchedule
from huikuan.finance.plans import clearance_plan_create
from huikuan.ledger.models import Customer, Invoice
from tests.api.conftest import ledger_load

STAFF = frozenset(ROLES) - {CUSTOMER}
CREDIT_REQUESTERS = frozenset({ADMIN, CREDIT_MANAGER, CREDIT_ANALYST, SALESPERSON, SALES_MANAGER})
COLLECTIONS_TEAM = frozenset({CREDIT_MANAGER, COLLECTOR, LEGAL})
CONFIGURATION = frozenset({ADMIN, CREDIT_MANAGER})
EVALUATORS = frozenset({ADMIN, CREDIT_MANAGER, CREDIT_ANALYST})
CASH_DECIDERS = frozenset({ADMIN, CREDIT_MANAGER, CFO})
CASH_DECISIONS = ("accept", "split", "write-off", "on-account", "not-customer", "undo")
STATEMENT_SENDERS = frozenset({ADMIN, CREDIT_MANAGER, COLLECTOR, LEGAL})
STATEMENT_SCHEDULERS = frozenset({ADMIN, CREDIT_MANAGER, COLLECTOR})
WRITE_OFF_PROPOSERS = frozenset({ADMIN, CREDIT_MANAGER, CREDIT_ANALYST, COLLECTOR, LEGAL, CFO})
PLAN_EDITORS = frozenset({ADMIN, CREDIT_MANAGER, CFO})
REPORT_SCHEDULERS = frozenset({ADMIN, CREDIT_MANAGER, CFO})
VAT_KEEPERS = frozenset({ADMIN, CREDIT_MANAGER, CFO})
BILL_MANAGERS = frozenset({ADMIN, CREDIT_MANAGER, CFO})
BILL_MOVES = ("endorse", "discount", "present", "honour", "dishonour")
ADVANCE_RECORDERS = frozenset({ADMIN, CREDIT_MANAGER, CFO})
OFFSET_PROPOSERS = frozenset({ADMIN, CREDIT_MANAGER, CREDIT_ANALYST, CFO})
LEGAL_TEAM = frozenset({ADMIN, CREDIT_MANAGER, LEGAL})

# The table: every write endpoint of the API and the roles that may use it.
API_WRITES: dict[tuple[str, str], frozenset[str]] = {
    ("POST", "/api/customers/"): frozenset({ADMIN, CREDIT_MANAGER, SALESPERSON, SALES_MANAGER}),
    ("POST", "/api/invoices/"): frozenset({ADMIN, CREDIT_MANAGER, SALESPERSON, SALES_MANAGER}),
    ("POST", "/api/allocations/"): frozenset({ADMIN, CREDIT_MANAGER, COLLECTOR, CFO}),
    ("POST", "/api/approvals/{number}/decide/"): STAFF - {AUDITOR},
    ("PUT", "/api/approvals/chains/{kind}/"): CONFIGURATION,
    ("POST", "/api/credit/check/"): STAFF,  # a question: nothing is written
    ("POST", "/api/credit/orders/"): frozenset({ADMIN, CREDIT_MANAGER, SALESPERSON, SALES_MANAGER}),
    ("POST", "/api/credit/orders/{order_number}/release/"): CREDIT_REQUESTERS,
    ("POST", "/api/credit/holds/"): frozenset({ADMIN, CREDIT_MANAGER, CREDIT_ANALYST}),
    ("POST", "/api/credit/holds/{id}/lift/"): CREDIT_REQUESTERS,
    ("POST", "/api/credit/term-extensions/"): frozenset({CREDIT_MANAGER, SALESPERSON, SALES_MANAGER}),
    ("POST", "/api/credit/customer-terms/"): frozenset({CREDIT_MANAGER, SALESPERSON, SALES_MANAGER}),
    ("POST", "/api/credit/limit-applications/"): frozenset(
        {CREDIT_MANAGER, CREDIT_ANALYST, SALESPERSON, SALES_MANAGER}
    ),
    ("POST", "/api/credit/statements/"): frozenset({ADMIN, CREDIT_MANAGER, CREDIT_ANALYST}),
    ("POST", "/api/credit/fees/charge/"): CONFIGURATION,
    ("POST", "/api/credit/interest/charge/"): CONFIGURATION,
    ("POST", "/api/credit/interest/rates/"): CONFIGURATION,
    ("POST", "/api/credit/lpr/"): CONFIGURATION,
    ("POST", "/api/worklist/{id}/complete/"): COLLECTIONS_TEAM | {SALESPERSON},
    ("POST", "/api/collections/customers/{code}/activities/"): COLLECTIONS_TEAM | {SALESPERSON},
    ("POST", "/api/collections/customers/{code}/promises/"): COLLECTIONS_TEAM,
    ("POST", "/api/collections/customers/{code}/payment-plans/"): COLLECTIONS_TEAM,
    ("POST", "/api/collections/customers/{code}/disputes/"): COLLECTIONS_TEAM,
    ("POST", "/api/collections/customers/{code}/overdue-reason/"): COLLECTIONS_TEAM,
    ("POST", "/api/collections/customers/{code}/penalties/"): COLLECTIONS_TEAM,
    ("POST", "/api/collections/disputes/{id}/resolve/"): COLLECTIONS_TEAM,
    ("POST", "/api/collections/customers/{code}/visits/"): COLLECTIONS_TEAM | {SALESPERSON},
    ("POST", "/api/collections/visits/{id}/record/"): COLLECTIONS_TEAM | {SALESPERSON},
    ("POST", "/api/collections/visits/{id}/cancel/"): COLLECTIONS_TEAM | {SALESPERSON},
    ("PUT", "/api/dunning/policies/{code}/"): CONFIGURATION,
    ("POST", "/api/dunning/run"): CONFIGURATION,
    **{("POST", f"/api/cash/lines/{{id}}/{decision}/"): CASH_DECIDERS for decision in CASH_DECISIONS},
    ("POST", "/api/statements/customers/{code}/send/"): STATEMENT_SENDERS,
    ("PUT", "/api/statements/customers/{code}/schedule/"): STATEMENT_SCHEDULERS,
    ("POST", "/api/bank/import/"): frozenset({ADMIN, CREDIT_MANAGER, CFO}),
    ("POST", "/api/bank/profiles/"): CONFIGURATION,
    ("POST", "/api/warnings/{id}/acknowledge/"): STAFF - {AUDITOR},
    ("POST", "/api/write-offs/"): WRITE_OFF_PROPOSERS,
    ("POST", "/api/write-offs/recoveries/"): frozenset({ADMIN, CREDIT_MANAGER, CFO}),
    ("POST", "/api/advance-receipts/"): ADVANCE_RECORDERS,
    ("POST", "/api/advance-receipts/{reference}/offset/"): ADVANCE_RECORDERS,
    ("POST", "/api/ar-ap-offsets/"): OFFSET_PROPOSERS,
    ("POST", "/api/rounding-tails/"): OFFSET_PROPOSERS,
    ("POST", "/api/clearance-plans/"): PLAN_EDITORS,
    ("PATCH", "/api/clearance-plans/{id}/"): PLAN_EDITORS,
    ("PUT", "/api/clearance-plans/{id}/targets/"): PLAN_EDITORS,
    ("PUT", "/api/clearance-plans/{id}/phases/"): PLAN_EDITORS,
    ("POST", "/api/scorecards/"): CONFIGURATION,
    ("POST", "/api/reports/schedules/"): REPORT_SCHEDULERS,
    ("PUT", "/api/reports/schedules/{id}/"): REPORT_SCHEDULERS,
    ("DELETE", "/api/reports/schedules/{id}/"): REPORT_SCHEDULERS,
    ("POST", "/api/vat-invoices/"): VAT_KEEPERS,
    ("POST", "/api/red-letters/"): VAT_KEEPERS,
    ("POST", "/api/red-letters/{form_number}/confirm/"): VAT_KEEPERS,
    ("POST", "/api/bills/"): BILL_MANAGERS,
    **{("POST", f"/api/bills/{{id}}/{move}/"): BILL_MANAGERS for move in BILL_MOVES},
    ("POST", "/api/legal/cases/"): LEGAL_TEAM,
    ("POST", "/api/legal/cases/{number}/events/"): LEGAL_TEAM,
    ("POST", "/api/legal/cases/{number}/recoveries/"): LEGAL_TEAM,
    ("POST", "/api/legal/cases/{number}/documents/"): LEGAL_TEAM,
    ("POST", "/api/legal/cases/{number}/close/"): LEGAL_TEAM,
    ("POST", "/api/legal/agencies/"): LEGAL_TEAM,
    ("POST", "/api/legal/assignments/"): LEGAL_TEAM,
    ("POST", "/api/legal/assignments/{id}/recoveries/"): LEGAL_TEAM,
    ("POST", "/api/legal/assignments/{id}/end/"): LEGAL_TEAM,
}
# Endpoints anyone may call: signing in.
API_PUBLIC = {("POST", "/api/auth/token/")}

# Every role once, plus a user with no role. collector_wang's customers hold the records.
PEOPLE = {role: role for role in ROLES} | {"outsider": None}
PEOPLE[COLLECTOR] = "collector_wang"
PEOPLE[SALESPERSON] = "sales_zhang"
OUT_OF_SCOPE_COLLECTOR = "collector_zhao"


def _people() -> dict[str, object]:
    users = {}
    for role, username in PEOPLE.items():
        if username is None:
            users[role] = get_user_model().objects.create_user("outsider", password="not-a-role-9")
            continue
        users[role] = user_create(
            username=username,
            role=role,
            password="Huikuan-test-pw-1",
            customer_code="HZ001" if role == CUSTOMER else "",
        ).user
    users[OUT_OF_SCOPE_COLLECTOR] = user_create(
        username=OUT_OF_SCOPE_COLLECTOR, role=COLLECTOR, password="Huikuan-test-pw-1"
    ).user
    return users


def _records(people: dict[str, object]) -> dict[str, str]:
    """Records of HZ001 (collector_wang's customer): a hold, a blocked order, a dispute, an approval."""
    customer = Customer.objects.get(code="HZ001")
    manager = people[CREDIT_MANAGER]
    hold = customer_hold_place(customer=customer, reason="逾期", source="manual", on=date(2024, 6, 1))
    order = order_create(
        number="SO-1", customer=customer, order_date=date(2024, 6, 2), amount=Decimal("1000.00")
    )
    dispute = dispute_open(
        invoice=Invoice.objects.get(number="YS-0302"),
        amount=Decimal("100.00"),
        reason_code="price",
        owner=manager,
        opened_on=date(2024, 6, 3),
        opened_by=manager,
    )
    approval = hold_lift_request(hold=hold, requested_by=manager, reason="已付款")
    warning = EarlyWarning.objects.create(
        rule="broken_promise", grade=1, customer=customer, subject_key="promise:0",
        raised_on=date(2024, 6, 3), routed_to="collector",
    )  # fmt: skip
    policy = DunningPolicy.objects.order_by("pk").first()
    plan = clearance_plan_create(baseline_date=date(2024, 5, 31), created_by=manager.get_username())
    schedule = ReportSchedule.objects.create(kind="daily", recipient_roles=["cfo"])
    case = legal_case_open(
        customer=customer, invoices=[Invoice.objects.get(number="YS-0302")], opened_on=date(2024, 6, 3),
        opened_by=manager,
    )  # fmt: skip
    return {
        "{code}": customer.code,
        "{id}/lift": f"{hold.pk}/lift",
        "holds/{id}": f"holds/{hold.pk}",
        "{order_number}": order.number,
        "disputes/{id}": f"disputes/{dispute.pk}",
        "worklist/{id}": "worklist/999999",  # no such task: allowed roles get 404, never 403
        "lines/{id}": "lines/999999",  # no such bank line: the same
        "{number}": approval.number,
        "{kind}": HOLD_LIFT,
        "runs/{day}": "runs/2024-06-30",
        "policies/{code}": f"policies/{policy.code if policy else 'standard'}",
        "{reference}": "DZ-HZ001-202404",
        "statements/{id}": "statements/999999",
        "warnings/{id}": f"warnings/{warning.pk}",
        "clearance-plans/{id}": f"clearance-plans/{plan.pk}",
        "{plan}": str(plan.pk),
        "{month}": "2024-05",
        "visits/{id}": "visits/999999",  # no such visit: allowed roles get 404, never 403
        "schedules/{id}": f"schedules/{schedule.pk}",
        "{form_number}": "HZ-NONE",  # no such form: allowed roles get 404, never 403
        "bills/{id}": "bills/999999",  # no such bill: allowed roles get 404, never 403
        "cases/{number}": f"cases/{case.number}",
        "assignments/{id}": "assignments/999999",  # no such assignment: allowed roles get 404
    }


@pytest.fixture(scope="module")
def shared(module_db, tmp_path_factory) -> tuple[dict[str, object], dict[str, str]]:
    """The ledger, a user in each role and the records, made once for this module's hundred
    tests (the fifteen users and the ledger took half of each test's time); each test's
    writes are undone after it."""
    ledger_load(tmp_path_factory.mktemp("ledger"))
    people = _people()
    return people, _records(people)


@pytest.fixture
def people(shared, db) -> dict[str, object]:
    return shared[0]


@pytest.fixture
def records(shared, db) -> dict[str, str]:
    return shared[1]


def concrete(path: str, records: dict[str, str]) -> str:
    for template in sorted(records, key=len, reverse=True):
        path = path.replace(template, records[template])
    assert "{" not in path, f"no record for a parameter of {path}"
    return path


def schema_writes(client: APIClient) -> set[tuple[str, str]]:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    return {
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }


def api_client(username: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {user_token(username=username)}")
    return client


def test_every_write_endpoint_of_the_schema_is_in_the_table(db):
    missing = schema_writes(APIClient()) - set(API_WRITES) - API_PUBLIC
    assert not missing, f"add these endpoints to API_WRITES (and docs/permissions.md): {sorted(missing)}"
    gone = set(API_WRITES) - schema_writes(APIClient())
    assert not gone, f"no longer in the schema: {sorted(gone)}"


def _call(client, method: str, path: str):
    return getattr(client, method.lower())(path, {}, format="json")


@pytest.mark.parametrize(("method", "path"), sorted(API_WRITES), ids=lambda value: str(value))
def test_each_role_gets_what_the_table_says_from_every_api_write(people, records, method, path):
    url = concrete(path, records)
    wrong = []
    for role, user in people.items():
        if role == OUT_OF_SCOPE_COLLECTOR:
            continue
        response = _call(api_client(user.get_username()), method, url)
        allowed = role in API_WRITES[(method, path)]
        if (allowed and response.status_code in (401, 403)) or response.status_code >= 500:
            wrong.append(f"{role}: {response.status_code}, should be allowed: {response.content[:200]!r}")
        if not allowed and response.status_code != 403:
            wrong.append(f"{role}: {response.status_code}, should be 403: {response.content[:200]!r}")
    assert not wrong, f"{method} {url}\n" + "\n".join(wrong)


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/credit/holds/{id}/lift/"), ("POST", "/api/credit/orders/{order_number}/release/")]
    + [
        key
        for key in sorted(API_WRITES)
        if "{code}" in key[1] or "disputes/{id}" in key[1] or "warnings" in key[1]
    ],
    ids=lambda value: str(value),
)
def test_a_collector_never_writes_on_a_customer_outside_his_scope(people, records, method, path):
    response = _call(api_client(OUT_OF_SCOPE_COLLECTOR), method, concrete(path, records))
    assert response.status_code in (403, 404), response.content


def test_read_only_roles_file_no_credit_request_through_the_api(people, records):
    """The probe's finding: an auditor, a department head and a collector got 201 here."""
    from huikuan.approvals.models import ApprovalRequest

    before = ApprovalRequest.objects.count()
    for role in (AUDITOR, DEPARTMENT_HEAD, COLLECTOR, PRESIDENT):
        client = api_client(people[role].get_username())
        lift = client.post(f"/api/credit/holds/{records['holds/{id}'][6:]}/lift/", {"reason": "请解除"})
        release = client.post(f"/api/credit/orders/{records['{order_number}']}/release/", {"reason": "急"})
        assert (lift.status_code, release.status_code) == (403, 403), role
    assert ApprovalRequest.objects.count() == before


# --- The web's forms ---------------------------------------------------------------------------

CREDIT_FORMS = {
    "limit": frozenset({CREDIT_MANAGER, CREDIT_ANALYST, SALESPERSON, SALES_MANAGER}),
    "extension": frozenset({CREDIT_MANAGER, SALESPERSON, SALES_MANAGER}),
    "terms": frozenset({CREDIT_MANAGER, SALESPERSON, SALES_MANAGER}),
    "hold": frozenset({ADMIN, CREDIT_MANAGER, CREDIT_ANALYST}),
    "lift": CREDIT_REQUESTERS,
    "statement": frozenset({ADMIN, CREDIT_MANAGER, CREDIT_ANALYST}),
    "order": frozenset({ADMIN, CREDIT_MANAGER, SALESPERSON, SALES_MANAGER}),
    "propose": EVALUATORS,
    "charge": CONFIGURATION,
    "interest": CONFIGURATION,
    "rate": CONFIGURATION,
    "market": frozenset({MARKET_DEVELOPMENT}),
}
WEB_POSTS: dict[str, frozenset[str]] = {
    **{f"/credit/customers/{{code}}/{form}/": roles for form, roles in CREDIT_FORMS.items()},
    "/credit/evaluate/": EVALUATORS,
    "/credit/propose/": EVALUATORS,
    "/credit/settings/DEFAULT_TERM_DAYS/": CONFIGURATION,
    "/credit/lpr/": CONFIGURATION,
    "/credit/benchmarks/": CONFIGURATION,
    "/credit/orders/{order_number}/release/": CREDIT_REQUESTERS,
    "/approvals/{number}/decide/": STAFF - {AUDITOR},
    "/approvals/chains/{kind}/": CONFIGURATION,
    "/worklist/{id}/complete/": COLLECTIONS_TEAM | {SALESPERSON},
    "/collections/customers/{code}/activity/": COLLECTIONS_TEAM | {SALESPERSON},
    "/collections/customers/{code}/promise/": COLLECTIONS_TEAM,
    "/collections/customers/{code}/dispute/": COLLECTIONS_TEAM,
    "/collections/customers/{code}/disputes/{id}/resolve/": COLLECTIONS_TEAM,
    "/collections/customers/{code}/plan/": COLLECTIONS_TEAM,
    "/collections/customers/{code}/reason/": COLLECTIONS_TEAM,
    "/collections/customers/{code}/penalty/": COLLECTIONS_TEAM,
    "/collections/customers/{code}/visits/": COLLECTIONS_TEAM | {SALESPERSON},
    "/collections/customers/{code}/visits/{id}/done/": COLLECTIONS_TEAM | {SALESPERSON},
    "/collections/customers/{code}/visits/{id}/cancel/": COLLECTIONS_TEAM | {SALESPERSON},
    "/collections/runs/": CONFIGURATION,
    "/correspondence/letterhead/": CONFIGURATION,
    "/import/bank/": frozenset({ADMIN, CREDIT_MANAGER, CFO}),
    "/correspondence/templates/{template}/": CONFIGURATION,
    **{f"/cash/lines/{{line}}/{decision}/": CASH_DECIDERS for decision in CASH_DECISIONS},
    "/customers/{code}/statements/send/": STATEMENT_SENDERS,
    "/customers/{code}/statements/schedule/": STATEMENT_SCHEDULERS,
    "/warnings/{id}/acknowledge/": STAFF - {AUDITOR},
    "/customers/{code}/write-offs/": WRITE_OFF_PROPOSERS,
    "/clearance-plans/": PLAN_EDITORS,
    "/clearance-plans/{plan}/targets/": PLAN_EDITORS,
    "/clearance-plans/{plan}/phases/": PLAN_EDITORS,
    "/clearance-plans/{plan}/settings/": PLAN_EDITORS,
    "/scorecards/run/": CONFIGURATION,
    "/scorecards/rules/save/": CONFIGURATION,
    "/scorecards/targets/save/": CONFIGURATION,
    "/customers/{code}/advances/": ADVANCE_RECORDERS,
    "/customers/{code}/advances/offset/": ADVANCE_RECORDERS,
    "/customers/{code}/offsets/": OFFSET_PROPOSERS,
    "/rounding-tails/propose/": OFFSET_PROPOSERS,
    "/reports/schedules/": REPORT_SCHEDULERS,
    "/reports/schedules/{id}/": REPORT_SCHEDULERS,
    "/reports/schedules/{id}/delete/": REPORT_SCHEDULERS,
    "/vat/invoices/": VAT_KEEPERS,
    "/vat/red-letters/": VAT_KEEPERS,
    "/vat/red-letters/{form_number}/confirm/": VAT_KEEPERS,
    "/bills/receive/": BILL_MANAGERS,
    **{f"/bills/{{id}}/{move}/": BILL_MANAGERS for move in BILL_MOVES},
    "/legal/cases/": LEGAL_TEAM,
    "/legal/cases/{number}/event/": LEGAL_TEAM,
    "/legal/cases/{number}/recovery/": LEGAL_TEAM,
    "/legal/cases/{number}/document/": LEGAL_TEAM,
    "/legal/cases/{number}/close/": LEGAL_TEAM,
    "/legal/agencies/": LEGAL_TEAM,
    "/legal/assignments/": LEGAL_TEAM,
    "/legal/assignments/{id}/recovery/": LEGAL_TEAM,
    "/legal/assignments/{id}/end/": LEGAL_TEAM,
}


@pytest.mark.parametrize("path", sorted(WEB_POSTS))
def test_each_role_gets_what_the_table_says_from_every_web_form(people, records, path):
    records = records | {
        "{id}/resolve": records["disputes/{id}"].split("/")[1] + "/resolve",
        "worklist/{id}": "worklist/999999",
        "{template}": str(DocumentTemplate.objects.order_by("pk").values_list("pk", flat=True).first()),
        "{line}": "999999",
    }
    url = concrete(path, records)
    wrong = []
    for role, user in people.items():
        if role == OUT_OF_SCOPE_COLLECTOR:
            continue
        browser = Client()
        browser.force_login(user)
        response = browser.post(url, {})
        allowed = role in WEB_POSTS[path]
        if (allowed and response.status_code == 403) or response.status_code >= 500:
            wrong.append(f"{role}: {response.status_code}, should be allowed")
        if not allowed and response.status_code != 403:
            wrong.append(f"{role}: {response.status_code}, should be 403")
    assert not wrong, f"POST {url}\n" + "\n".join(wrong)


# --- The customer role (issue 10, item 9) ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/credit/settings/",
        "/approvals/",
        "/approvals/chains/",
        "/credit/",
        "/credit/orders/",
        "/credit/customers/HZ001/",
        "/worklist/",
        "/collections/customers/HZ001/",
        "/collections/policies/",
        "/collections/runs/",
        "/collections/reports/",
        "/correspondence/templates/",
        "/import/",
        "/cash/",
        "/warnings/",
        "/clearance-plans/",
        "/scorecards/",
        "/scorecards/rules/",
        "/reports/",
        "/reports/monthly/",
        "/vat/",
        "/bills/",
    ],
)
def test_a_customer_user_sees_no_staff_page(people, path):
    browser = Client()
    browser.force_login(people[CUSTOMER])
    assert browser.get(path).status_code == 403


def test_a_customer_user_reads_through_the_api_only_its_own_ledger(people, records):
    """Every read of the schema: 403, or only the customer's own records."""
    client = api_client(people[CUSTOMER].get_username())
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    own = {"/api/customers/", "/api/invoices/", "/api/payments/", "/api/credit-notes/", "/api/aging/"}
    for path, operations in paths.items():
        if "get" not in operations or path.startswith(("/api/schema", "/api/docs")):
            continue
        others = {
            "{customer_code}": "SZ002",
            "{invoice_number}": "YS-0303",
            "{payment_ref}": "HK-002",
            "{credit_note_number}": "CN-001",
        }
        url = concrete(path, records | others)
        response = client.get(url, {"as_of": "2024-06-30"} if path == "/api/aging/" else {})
        if path in own:
            assert response.status_code == 200, (path, response.content)
            for row in response.json().get("results", response.json().get("rows", [])):
                code = row.get("customer_code", row.get("customer", row.get("key")))
                assert code in (None, "HZ001"), (path, row)
        elif path.startswith(tuple(f"{prefix}{{" for prefix in own)):
            assert response.status_code == 404, (path, response.status_code)  # another customer's record
        else:
            assert response.status_code == 403, (path, response.status_code)


# --- The CLI asks the same rules when it acts as a user ----------------------------------------


def test_the_cli_files_no_class_change_as_a_read_only_user(people, huikuan):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="may not file"):
        huikuan("credit", "evaluate", "--period", "2024-05", "--apply", "--requested-by", AUDITOR)


def test_the_cli_decides_no_approval_as_an_auditor(people, records, huikuan):
    result = huikuan("approvals", "decide", records["{number}"], "--user", AUDITOR, "--approve")
    assert result.code == 1
    assert "may not decide" in result.stderr
