"""Steps count from an anchor (the due date, the invoice date or the shipment date); the
default ladder gains the contacts of the credit period (seed 002: the delivery-confirmation
call 5 days after shipment, the goods-and-invoice confirmation), the salesperson's call
tasks; the accelerated ladder keeps the legal steps on the standard days (seed 000: legal
action at 90 days for every class); the risk segments' settings now read the payment history.

Edits a credit manager made are kept: a new step is added only where its code and sequence
are free, and an accelerated legal step is moved only from the day it was installed with."""

from django.db import migrations, models

# (policy, step code): (the offset installed by 0002, the offset now)
LEGAL_STEPS_MOVED = {("accelerated", "legal"): (45, 90), ("accelerated", "lawyer"): (60, 120)}
OLD_ACCELERATED_NAME = "C, D and high-risk customers: each step at half the days"
RENAMED_SETTINGS = {
    "COLLECTIONS_PREMIUM_MAX_DAYS_OVERDUE": "COLLECTIONS_PREMIUM_MAX_DAYS_PAID_LATE",
    "COLLECTIONS_HIGH_RISK_DAYS_OVERDUE": "COLLECTIONS_HIGH_RISK_DAYS_PAID_LATE",
}


def forward(apps, schema_editor):
    from huikuan.collections.ladder import default_policies

    DunningPolicy = apps.get_model("collections", "DunningPolicy")
    DunningStep = apps.get_model("collections", "DunningStep")
    PolicySetting = apps.get_model("core", "PolicySetting")
    for spec in default_policies():
        policy = DunningPolicy.objects.filter(code=spec["code"]).first()
        if policy is None:
            continue
        if spec["code"] == "accelerated" and policy.name == OLD_ACCELERATED_NAME:
            policy.name = spec["name"]
            policy.save(update_fields=["name"])
        for step in spec["steps"]:
            anchor = step.get("anchor", "due")
            existing = DunningStep.objects.filter(policy=policy, code=step["code"]).first()
            moved = LEGAL_STEPS_MOVED.get((spec["code"], step["code"]))
            if existing is not None:
                if moved and existing.day_offset == moved[0]:
                    existing.day_offset = moved[1]
                    existing.save(update_fields=["day_offset"])
                # A fresh database's 0002 installed the new steps before the anchor existed.
                if anchor != "due" and existing.anchor == "due" and existing.day_offset == step["day_offset"]:
                    existing.anchor = anchor
                    existing.save(update_fields=["anchor"])
                continue
            if anchor == "due" or DunningStep.objects.filter(policy=policy, sequence=step["sequence"]).exists():
                continue
            DunningStep.objects.create(
                policy=policy,
                code=step["code"],
                name_zh=step["name_zh"],
                name_en=step["name_en"],
                sequence=step["sequence"],
                anchor=anchor,
                day_offset=step["day_offset"],
                channels=step["channels"],
                owner_role=step["owner_role"],
                email_template=step["email_template"],
                letter_template=step["letter_template"],
            )
    for old, new in RENAMED_SETTINGS.items():
        if not PolicySetting.objects.filter(key=new).exists():
            PolicySetting.objects.filter(key=old).update(key=new)


class Migration(migrations.Migration):
    dependencies = [
        ("collections", "0004_step_attach_statement"),
        ("core", "0002_queued_task"),
    ]

    operations = [
        migrations.AddField(
            model_name="dunningstep",
            name="anchor",
            field=models.CharField(
                choices=[("due", "due date"), ("invoice", "invoice date"), ("shipment", "shipment date")],
                default="due",
                max_length=16,
                verbose_name="counted from",
            ),
        ),
        migrations.AlterField(
            model_name="dunningstep",
            name="day_offset",
            field=models.IntegerField(verbose_name="days after the anchor date"),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
