"""Seed the default dunning policies and ladder of SPEC §6.1, once; edits made since are kept."""

from django.db import migrations


def install(apps, schema_editor):
    from huikuan.collections.ladder import default_policies

    DunningPolicy = apps.get_model("collections", "DunningPolicy")
    DunningStep = apps.get_model("collections", "DunningStep")
    for spec in default_policies():
        policy, _ = DunningPolicy.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "credit_classes": spec["credit_classes"],
                "risk_segments": spec["risk_segments"],
                "priority": spec["priority"],
                "is_default": spec["is_default"] and not DunningPolicy.objects.filter(is_default=True).exists(),
            },
        )
        for step in spec["steps"]:
            DunningStep.objects.get_or_create(
                policy=policy,
                code=step["code"],
                defaults={
                    "name_zh": step["name_zh"],
                    "name_en": step["name_en"],
                    "sequence": step["sequence"],
                    "day_offset": step["day_offset"],
                    "channels": step["channels"],
                    "owner_role": step["owner_role"],
                    "email_template": step["email_template"],
                    "letter_template": step["letter_template"],
                    "credit_hold": step.get("credit_hold", False),
                    "case_to_legal": step.get("case_to_legal", False),
                    "litigation_decision": step.get("litigation_decision", False),
                    "write_off_review": step.get("write_off_review", False),
                },
            )


class Migration(migrations.Migration):
    dependencies = [("collections", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
