"""Visits are planned activities (status, purpose, people, result): seed 003 上门, seed 004
定期回访、节日问候. Existing activities were recorded done."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("collections", "0005_step_anchor")]

    operations = [
        migrations.AddField(
            model_name="activity",
            name="status",
            field=models.CharField(
                choices=[("planned", "planned"), ("done", "done"), ("cancelled", "cancelled")],
                default="done",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="purpose",
            field=models.CharField(
                blank=True,
                choices=[
                    ("collection", "collection"),
                    ("check_in", "periodic check-in"),
                    ("greeting", "holiday greeting"),
                    ("other", "other"),
                ],
                max_length=16,
                verbose_name="purpose",
            ),
        ),
        migrations.AddField(
            model_name="activity",
            name="people",
            field=models.CharField(blank=True, max_length=500, verbose_name="people"),
        ),
        migrations.AddField(
            model_name="activity",
            name="result",
            field=models.TextField(blank=True, verbose_name="result"),
        ),
    ]
