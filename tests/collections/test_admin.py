"""A credit manager edits the ladder in the admin; a ladder running backwards is refused."""

from __future__ import annotations

import json

from django.contrib.auth.models import User

from huikuan.collections.models import DunningPolicy


def test_a_step_moved_before_the_one_it_follows_is_refused_and_a_valid_edit_is_kept(db, client):
    admin_user = User.objects.create_superuser("root", "root@example.cn", "x")
    client.force_login(admin_user)
    policy = DunningPolicy.objects.get(code="standard")
    url = f"/admin/collections/dunningpolicy/{policy.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update({"credit_classes": "[]", "risk_segments": "[]"})
    formset = page.context["inline_admin_formsets"][0].formset
    data.update(
        {
            f"{formset.prefix}-TOTAL_FORMS": str(len(formset.forms)),
            f"{formset.prefix}-INITIAL_FORMS": str(len(formset.forms)),
            f"{formset.prefix}-MIN_NUM_FORMS": "0",
            f"{formset.prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for index, step_form in enumerate(formset.forms):
        step = step_form.instance
        prefix = f"{formset.prefix}-{index}"
        data.update(
            {
                f"{prefix}-id": str(step.pk),
                f"{prefix}-policy": str(policy.pk),
                f"{prefix}-code": step.code,
                f"{prefix}-name_zh": step.name_zh,
                f"{prefix}-name_en": step.name_en,
                f"{prefix}-sequence": str(step.sequence),
                f"{prefix}-anchor": step.anchor,
                f"{prefix}-day_offset": str(step.day_offset),
                f"{prefix}-channels": json.dumps(step.channels),
                f"{prefix}-owner_role": step.owner_role,
                f"{prefix}-email_template": step.email_template,
                f"{prefix}-letter_template": step.letter_template,
            }
        )
    second = next(i for i, f in enumerate(formset.forms) if f.instance.code == "second")
    data[f"{formset.prefix}-{second}-day_offset"] = "75"  # after the letter's +60: refused
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "must not decrease" in refused.content.decode()
    data[f"{formset.prefix}-{second}-day_offset"] = "21"
    kept = client.post(url, data)
    assert kept.status_code == 302
    assert policy.steps.get(code="second").day_offset == 21
