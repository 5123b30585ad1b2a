"""huikuan risk train --as-of D | score [--as-of D] | backtest --cutoff D [--grace N]  [--json]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huikuan.cli.output import iso_date, table, to_json
from huikuan.core.errors import RuleViolation


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Late-payment prediction: train a model, score the open invoices, backtest on the history."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="train on everything settled before the day")
        train.add_argument("--as-of", required=True, help="YYYY-MM-DD")
        train.add_argument("--grace", type=int, default=0, help="days late that still count as on time")
        train.add_argument("--seed", type=int, default=2026)
        train.add_argument("--json", action="store_true")
        score = sub.add_parser("score", help="score every open invoice with the latest model")
        score.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        score.add_argument("--json", action="store_true")
        backtest = sub.add_parser("backtest", help="train before the cutoff, test on the invoices after")
        backtest.add_argument("--cutoff", required=True, help="YYYY-MM-DD")
        backtest.add_argument("--grace", type=int, default=0)
        backtest.add_argument("--seed", type=int, default=2026)
        backtest.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        from huikuan.risk.models import RiskScore
        from huikuan.risk.services import risk_backtest, risk_score, risk_train

        try:
            if options["action"] == "train":
                model = risk_train(
                    as_of=iso_date(options["as_of"]), grace=options["grace"], seed=options["seed"]
                )
                data = {
                    "model": model.pk,
                    "as_of": model.as_of.isoformat(),
                    "window_start": model.window_start.isoformat() if model.window_start else None,
                    "train": model.train_size,
                    "late_share": str(model.late_share),
                    "features": model.features,
                    "metrics": model.metrics,
                }
            elif options["action"] == "score":
                as_of = iso_date(options["as_of"]) if options["as_of"] else timezone.localdate()
                risk_score(as_of=as_of)
                scores = (
                    RiskScore.objects.filter(as_of=as_of)
                    .select_related("invoice", "customer")
                    .order_by("-probability_late", "invoice__number")
                )
                data = {
                    "as_of": as_of.isoformat(),
                    "invoices": [
                        {
                            "invoice_number": s.invoice.number,
                            "customer_code": s.customer.code,
                            "probability_late": str(s.probability_late),
                            "expected_days": str(s.expected_days),
                            "reasons": [r["feature"] for r in s.reasons],
                        }
                        for s in scores
                    ],
                }
            else:
                data = risk_backtest(
                    cutoff=iso_date(options["cutoff"]), grace=options["grace"], seed=options["seed"]
                )
        except RuleViolation as error:
            raise CommandError(str(error)) from None
        if options["json"]:
            self.stdout.write(to_json(data))
            return
        if options["action"] == "backtest":
            rows = [[name, *(data[side][name] for side in ("model", "baseline"))] for name in data["model"]]
            self.stdout.write(
                f"cutoff {data['cutoff']}: trained on {data['train']}, tested on {data['test']} "
                f"({data['late_share']} late)"
            )
            self.stdout.write(table(["metric", "model", "baseline"], rows, numeric_from=1))
        elif options["action"] == "train":
            self.stdout.write(f"model {data['model']}: {data['train']} invoices, metrics {data['metrics']}")
        else:
            rows = [
                [
                    x["invoice_number"],
                    x["customer_code"],
                    x["probability_late"],
                    x["expected_days"],
                    ", ".join(x["reasons"]),
                ]
                for x in data["invoices"][:50]
            ]
            self.stdout.write(
                table(["invoice", "customer", "P(late)", "days", "reasons"], rows, numeric_from=2)
            )
