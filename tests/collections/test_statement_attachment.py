"""A dunning email carries the statement of account (PDF) only when its step says so: the
reminders send none by default, the formal-letter steps attach it, and a credit manager
changes that on the policies page or through the API."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core import mail
from pypdf import PdfReader

from huikuan.collections.models import DunningStep
from huikuan.collections.run import dunning_run
from huikuan.collections.services import dunning_step_update
from tests.collections.conftest import MARCH_1


def _emails_by_step(make_customer, make_invoice, capture) -> dict[str, list]:
    """One customer at the first collection (+3 days), one at the dunning letter (+60)."""
    make_invoice(make_customer("R1"), "R1-A", MARCH_1 - timedelta(days=3), "1200.00")
    make_invoice(make_customer("L1"), "L1-A", MARCH_1 - timedelta(days=60), "5000.00")
    with capture(execute=True):
        dunning_run(date=MARCH_1)
    return {message.to[0].split("@")[0]: message.attachments for message in mail.outbox}


def test_by_default_a_reminder_has_no_attachment_and_the_dunning_letter_email_has_the_statement(
    make_customer, make_invoice, django_capture_on_commit_callbacks
):
    assert set(
        DunningStep.objects.filter(policy__code="standard", attach_statement=True).values_list(
            "code", flat=True
        )
    ) == {"letter", "legal", "lawyer"}
    attachments = _emails_by_step(make_customer, make_invoice, django_capture_on_commit_callbacks)
    assert attachments["r1"] == []
    [(name, content, mimetype)] = attachments["l1"]
    assert name == f"statement-L1-{MARCH_1}.pdf" and mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "对账单" in text and "客户L1" in text and "L1-A" in text and "5,000.00" in text


def test_the_step_flag_decides_the_attachment(
    make_customer, make_invoice, django_capture_on_commit_callbacks
):
    for step in DunningStep.objects.filter(code="first"):
        dunning_step_update(step=step, attach_statement=True)
    for step in DunningStep.objects.filter(code="letter"):
        dunning_step_update(step=step, attach_statement=False)
    attachments = _emails_by_step(make_customer, make_invoice, django_capture_on_commit_callbacks)
    [(name, content, _)] = attachments["r1"]
    assert name.startswith("statement-R1") and content[:4] == b"%PDF"
    assert attachments["l1"] == []


def test_the_flag_is_edited_on_the_policies_page_and_through_the_api(client, db):
    from huikuan.accounts.services import user_create

    manager = user_create(username="cm", role="credit_manager", password="x-Very-long-pass-9")
    client.force_login(manager.user)
    step = DunningStep.objects.get(policy__code="standard", code="second")
    page = client.get("/collections/policies/")
    assert f'name="step{step.pk}-attach_statement"' in page.content.decode()
    form = {
        f"step{step.pk}-{name}": value
        for name, value in {
            "name_zh": step.name_zh,
            "name_en": step.name_en,
            "day_offset": step.day_offset,
            "owner_role": step.owner_role,
            "email_template": step.email_template,
            "letter_template": step.letter_template,
            "attach_statement": "on",
        }.items()
    }
    form[f"step{step.pk}-channels"] = step.channels
    client.post(f"/collections/steps/{step.pk}/", form)
    step.refresh_from_db()
    assert step.attach_statement is True

    policy = client.get("/api/dunning/policies/standard/").json()
    assert {row["code"]: row["attach_statement"] for row in policy["steps"]}["second"] is True
    for row in policy["steps"]:
        if row["code"] == "second":
            row["attach_statement"] = False
    response = client.put("/api/dunning/policies/standard/", policy, content_type="application/json")
    assert response.status_code == 200, response.content
    [second] = [row for row in response.json()["steps"] if row["code"] == "second"]
    assert second["attach_statement"] is False
    step.refresh_from_db()
    assert step.attach_statement is False
