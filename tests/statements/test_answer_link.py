"""The answer link: no sign-in, the customer's language, one answer, an expiry, and a clear
page for a link that is expired, used or tampered with. Each difference on an invoice opens a
dispute; the answer shows on the customer's page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from huikuan.collections.models import Activity, Dispute
from huikuan.statements.models import AccountStatement, StatementDifference, StatementStatus
from huikuan.statements.services import statement_create, statement_send

APRIL = (date(2024, 4, 1), date(2024, 4, 30))


@pytest.fixture
def sent(spring):
    """(statement, token) of 湖畔's April statement, sent."""

    def send(customer=None, again=False):
        statement = statement_create(
            customer=customer or spring["hupan"], kind="account", start=APRIL[0], end=APRIL[1], created_by="t"
        )
        email = statement_send(statement=statement, again=again)
        token = email.body.split("/statements/answer/")[1].split("/")[0]
        return statement, token

    return send


def _url(token: str) -> str:
    return f"/statements/answer/{token}/"


def _browser() -> Client:
    return Client(enforce_csrf_checks=True)


def _post(client: Client, token: str, data: dict):
    page = client.get(_url(token))
    return client.post(_url(token), data | {"csrfmiddlewaretoken": page.context["csrf_token"]})


def test_the_customer_confirms_without_signing_in_and_the_link_is_then_used(sent):
    statement, token = sent()
    client = _browser()
    page = client.get(_url(token))
    assert page.status_code == 200
    text = page.content.decode()
    assert "对账单" in text and "YS-0402" in text and "81,956.78" in text
    done = _post(client, token, {"answer": "confirm", "answered_by": "王会计"})
    assert done.status_code == 200 and "谢谢" in done.content.decode()
    statement.refresh_from_db()
    assert (statement.status, statement.answered_by) == (StatementStatus.CONFIRMED, "王会计")
    assert Activity.objects.filter(customer=statement.customer, kind="note", note__contains="王会计").exists()
    used = client.get(_url(token))
    assert used.status_code == 410 and "已经答复" in used.content.decode()


def test_a_post_without_the_csrf_token_is_refused(sent):
    _, token = sent()
    assert _browser().post(_url(token), {"answer": "confirm", "answered_by": "x"}).status_code == 403


def test_an_english_customer_gets_the_page_in_english(sent, spring):
    _, token = sent(spring["lion"])
    text = Client().get(_url(token)).content.decode()
    assert "Statement of account" in text and "Your amount, if different" in text


def test_differences_line_by_line_open_disputes_on_invoices(sent):
    statement, token = sent()
    position = {line.reference: line.position for line in statement.lines.all()}
    response = _post(
        _browser(),
        token,
        {
            "answer": "differ",
            "answered_by": "王会计",
            f"amount_{position['YS-0402']}": "22456.78",
            f"comment_{position['YS-0402']}": "单价有误",
            f"amount_{position['HK-001']}": "45000.00",
            f"comment_{position['HK-001']}": "我司付了45000",
            "missing_1_date": "2024-04-29",
            "missing_1_reference": "HK-X",
            "missing_1_amount": "-2000",
            "missing_1_comment": "四月底付款",
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DISPUTED
    differences = {d.reference: d for d in StatementDifference.objects.filter(statement=statement)}
    assert set(differences) == {"YS-0402", "HK-001", "HK-X"}
    dispute = differences["YS-0402"].dispute
    assert (
        dispute is not None and dispute.amount == Decimal("1000.00") and dispute.invoice.number == "YS-0402"
    )
    assert dispute.owner == "collector_wang" and "单价有误" in dispute.description
    assert differences["HK-001"].dispute is None and differences["HK-001"].note
    assert differences["HK-X"].line is None and differences["HK-X"].their_amount == Decimal("-2000")
    assert Dispute.objects.count() == 1


def test_bad_values_are_named_by_line_and_nothing_is_stored(sent):
    statement, token = sent()
    response = _post(
        _browser(), token, {"answer": "differ", "answered_by": "", "amount_1": "12,3x", "comment_2": "?"}
    )
    assert response.status_code == 400
    errors = response.content.decode()
    assert "第 1 行" in errors and "123x" in errors and "请填写您的姓名" in errors
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT and not statement.differences.exists()


def test_an_expired_link_shows_a_clear_message(sent, spring):
    statement, token = sent()
    statement.links.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(_url(token))
    assert response.status_code == 410 and "已于" in response.content.decode()
    assert Client().post(_url(token), {"answer": "confirm", "answered_by": "x"}).status_code == 410
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT


def test_a_tampered_token_opens_nothing(sent):
    _, token = sent()
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = Client().get(_url(tampered))
    assert response.status_code == 404 and "链接无效" in response.content.decode()


def test_one_answer_closes_every_link_of_the_statement(sent):
    statement, first = sent()
    _, second = sent(again=True)
    assert _post(_browser(), second, {"answer": "confirm", "answered_by": "王会计"}).status_code == 200
    assert Client().get(_url(first)).status_code == 410
    assert statement.links.filter(used_at__isnull=True).count() == 0


def test_the_link_expires_after_the_setting(sent, settings):
    from huikuan.core.policy import policy_set

    policy_set(key="STATEMENT_LINK_DAYS", value=7)
    statement, _ = sent()
    link = statement.links.get()
    assert timedelta(days=6, hours=23) < link.expires_at - timezone.now() <= timedelta(days=7)


def test_a_balance_confirmation_is_answered_with_the_customers_figure(spring):
    confirmation = statement_create(
        customer=spring["hupan"],
        kind="confirmation",
        start=date(2024, 4, 30),
        end=date(2024, 4, 30),
        created_by="t",
    )
    email = statement_send(statement=confirmation)
    assert "询证函" in email.subject
    token = email.body.split("/statements/answer/")[1].split("/")[0]
    client = _browser()
    assert "询证函" in client.get(_url(token)).content.decode()
    response = _post(
        client, token, {"answer": "differ", "answered_by": "王会计", "customer_balance": "80956.78"}
    )
    assert response.status_code == 200
    confirmation.refresh_from_db()
    assert confirmation.customer_balance == Decimal("80956.78")
    [difference] = confirmation.differences.all()
    assert (difference.our_amount, difference.their_amount) == (Decimal("81956.78"), Decimal("80956.78"))


def test_the_answer_shows_on_the_customers_page(sent, spring, django_user_model):
    from huikuan.accounts.services import user_create

    _, token = sent()
    _post(_browser(), token, {"answer": "confirm", "answered_by": "王会计"})
    staff = Client()
    staff.force_login(user_create(username="cm", role="credit_manager", password="Huikuan-test-pw-1").user)
    page = staff.get("/customers/HZ001/").content.decode()
    assert "DZ-HZ001-202404" in page and "王会计" in page
    detail = staff.get("/statements/DZ-HZ001-202404/")
    assert detail.status_code == 200 and "王会计" in detail.content.decode()
    assert staff.get("/statements/DZ-HZ001-202404.pdf")["Content-Type"] == "application/pdf"
    assert AccountStatement.objects.get().status == "confirmed"
