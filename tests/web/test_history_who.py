"""A change made by no signed-in user (the dunning run, an import, the demo) is named in the
history by what made it, in the user's language, not by its raw source code."""

from __future__ import annotations

from huikuan.core.audit import audit_context
from huikuan.ledger.models import Customer
from tests.test_chinese_pages import visible_text


def test_a_change_made_by_the_dunning_run_reads_so_in_chinese(web_as):
    with audit_context(source="dunning"):
        customer = Customer.objects.get(code="HZ001")
        customer.phone = "0571-88886666"
        customer.save()

    chinese = visible_text(web_as("credit_manager", "zh-hans").get("/customers/HZ001/").content.decode())
    english = visible_text(web_as("credit_manager", "en").get("/customers/HZ001/").content.decode())

    assert "催收运行（" in chinese and "dunning:" not in chinese
    assert "dunning run (" in english
