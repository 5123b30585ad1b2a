"""A credit manager edits templates and the letterhead in the browser; collectors may not."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from huikuan.correspondence.models import DocumentTemplate, Letterhead


@pytest.fixture
def template(db):
    return DocumentTemplate.objects.get(code="letter_dunning", language="zh-hans")


def test_the_credit_manager_edits_a_template_and_the_change_is_audited(web_as, template):
    client = web_as("credit_manager")
    listing = client.get(reverse("web:correspondence_templates"))
    assert listing.status_code == 200
    assert "letter_dunning" in listing.content.decode()

    response = client.post(
        reverse("web:correspondence_template", args=[template.pk]),
        {
            "name": "催款函",
            "subject": "催款函（第二版）：{{ customer.name }}",
            "body": "<p>{{ customer.name }}</p>",
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.subject == "催款函（第二版）：{{ customer.name }}"
    assert template.updated_by == "credit_manager"
    entry = LogEntry.objects.get_for_object(template).latest("timestamp")
    assert entry.actor.username == "credit_manager"
    assert entry.additional_data == {"source": "web:correspondence"}


def test_a_broken_template_is_refused_with_the_reason_and_nothing_changes(web_as, template):
    before = template.body
    response = web_as("credit_manager", "en").post(
        reverse("web:correspondence_template", args=[template.pk]),
        {"name": "x", "subject": "x", "body": "{% for %}"},
    )
    assert response.status_code == 422
    assert "template error" in response.content.decode()
    template.refresh_from_db()
    assert template.body == before


def test_the_letterhead_is_edited_in_the_browser(web_as):
    response = web_as("credit_manager").post(
        reverse("web:correspondence_letterhead"),
        {"company_name_zh": "上海回款实业有限公司", "bank_name": "中国银行", "bank_account": "6222 0000"},
    )
    assert response.status_code == 302
    letterhead = Letterhead.objects.get(pk=1)
    assert (letterhead.company_name_zh, letterhead.bank_account) == ("上海回款实业有限公司", "6222 0000")
    assert LogEntry.objects.get_for_object(letterhead).exists()


@pytest.mark.parametrize("persona", ["collector_wang", "auditor", "outsider"])
def test_other_roles_may_not_edit_letters(web_as, template, persona):
    client = web_as(persona)
    assert client.get(reverse("web:correspondence_templates")).status_code == 403
    assert client.get(reverse("web:correspondence_template", args=[template.pk])).status_code == 403
    assert client.post(reverse("web:correspondence_letterhead"), {"bank_account": "x"}).status_code == 403


def test_the_template_pages_speak_chinese_by_default(web_as, template):
    page = web_as("credit_manager").get(reverse("web:correspondence_templates")).content.decode()
    assert "信函与邮件模板" in page and "编辑信笺抬头" in page
