"""Benchmark: match a bank statement against a large open ledger, in process.

    .venv/bin/python benchmarks/cashapp.py                       # 10,000 lines, 1,000,000 invoices
    .venv/bin/python benchmarks/cashapp.py --lines 2000 --invoices 100000 --seed 7 --json

The ledger (customers = invoices / 10) and the statement come from ``cashapp_data`` (seeded;
see there for the payer habits). Two statements are matched: one of the base mix (seed S)
and a held-out one (seed S + 1000, ``variation="heldout"``: another mix and formats the
matcher was not tuned on). Reported for each: the straight-through rate (customer receipts
applied automatically), the invoice-level hit rate (the invoices paid that automatic
applications got right), the false-match rate among automatic lines, the non-customer
receipts applied (must be 0), the statuses by scenario, and the time to build the indexes
and match (generation not included).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cashapp_data import BANK_FEES, SHORT_PAY_SHARE, generate_bank_lines, generate_ledger  # noqa: E402
from cashapp_misses import misses, print_misses  # noqa: E402

from huikuan.cash.matching import (  # noqa: E402
    AUTO,
    Aliases,
    BankLine,
    CustomerRef,
    MatchIndex,
    MatchSettings,
    OpenInvoice,
)

TARGETS = {"straight_through": 0.92, "auto_precision": 0.995, "non_customer_applied": 0, "seconds": 30.0}


def engine_inputs(ledger: dict) -> tuple[list[CustomerRef], list[OpenInvoice], Aliases]:
    customers = [
        CustomerRef(c["customer_code"], c["name"], c["short_name"], c["english_name"], c["currency"])
        for c in ledger["customers"]
    ]
    invoices = [
        OpenInvoice(
            i["invoice_number"],
            i["customer_code"],
            i["open_amount"],
            i["currency"],
            i["invoice_date"],
            i["due_date"],
            i["order_number"],
            i.get("contract_number", ""),
        )
        for i in ledger["invoices"]
    ]
    aliases = Aliases(by_account=ledger["aliases"]["by_account"], by_name=ledger["aliases"]["by_name"])
    return customers, invoices, aliases


def bank_line(row: dict) -> BankLine:
    return BankLine(
        row["bank_ref"],
        row["booking_date"],
        row["amount"],
        row["currency"],
        row["direction"],
        row["payer_name"],
        row["payer_account"],
        row["memo"],
    )


def is_right(proposal, truth: dict) -> bool:
    """The right customer, the right invoices, the right total to them."""
    if proposal.customer_code != truth["customer_code"]:
        return False
    got = {a.invoice_number: a.amount for a in proposal.allocations}
    want = truth["allocations"]
    return set(got) == set(want) and sum(got.values(), Decimal(0)) == sum(want.values(), Decimal(0))


def evaluate(rows: list[dict], proposals: list) -> dict:
    customer = [(r, p) for r, p in zip(rows, proposals, strict=True) if r["truth"]["kind"] == "customer"]
    auto = [(r, p) for r, p in zip(rows, proposals, strict=True) if p.status == AUTO]
    wrong = [(r, p) for r, p in auto if not is_right(p, r["truth"])]
    invoices_paid = sum(len(r["truth"]["allocations"]) for r, _p in customer)
    invoices_hit = 0
    for r, p in customer:
        if p.status == AUTO and p.customer_code == r["truth"]["customer_code"]:
            got = {a.invoice_number for a in p.allocations}
            invoices_hit += len(got & set(r["truth"]["allocations"]))
    by_scenario: dict[str, Counter] = defaultdict(Counter)
    for r, p in zip(rows, proposals, strict=True):
        truth = r["truth"]
        by_scenario[truth["scenario"]][p.status] += 1
        if p.status == AUTO and not is_right(p, truth):
            by_scenario[truth["scenario"]]["auto_wrong"] += 1
    by_habit: dict[str, Counter] = defaultdict(Counter)
    for r, p in customer:
        by_habit[f"{r['truth']['habit']} / {r['truth']['reference']}"][p.status] += 1
    return {
        "lines": len(rows),
        "customer_receipts": len(customer),
        "statuses": dict(Counter(p.status for p in proposals)),
        "straight_through": round(
            sum(1 for _r, p in customer if p.status == AUTO) / max(1, len(customer)), 4
        ),
        "invoice_hit_rate": round(invoices_hit / max(1, invoices_paid), 4),
        "auto_lines": len(auto),
        "auto_wrong": len(wrong),
        "false_match_rate": round(len(wrong) / max(1, len(auto)), 5),
        "auto_precision": round(1 - len(wrong) / max(1, len(auto)), 5),
        "non_customer_applied": sum(1 for r, p in auto if r["truth"]["kind"] != "customer"),
        "by_scenario": {k: dict(v) for k, v in sorted(by_scenario.items())},
        "by_habit": {k: dict(v) for k, v in sorted(by_habit.items())},
        "wrong_examples": [
            {
                "memo": r["memo"],
                "payer": r["payer_name"],
                "amount": str(r["amount"]),
                "truth": r["truth"]["customer_code"],
                "scenario": r["truth"]["scenario"],
                "got": p.customer_code,
                "allocations": [(a.invoice_number, str(a.amount)) for a in p.allocations],
                "want": {k: str(v) for k, v in r["truth"]["allocations"].items()},
            }
            for r, p in wrong[:10]
        ],
    }


def undecidable(ledger: dict, rows: list[dict]) -> dict:
    """Customer receipts whose line cannot tell which invoices were paid, counted from the
    generator's truth and the ledger alone (no matcher): a lower bound of what no honest
    matcher may apply automatically.

    What the line leaves open is the customer's open invoices when the memo names nothing;
    the open invoices of the order(s) it names when it names an order; those issued in the
    month it names or the month after (a service month invoiced at the start of the next,
    as payers write it) when it names a month. A memo naming the invoice decides. Among
    those:

    - *tie*: one invoice paid (exactly, less a fee or a short-pay), and another has the same
      open amount (the payer, its account, the amount and the memo are the same for both);
    - *tie in a combination*: several invoices paid, and one of them has the amount of
      another not paid (swapping them gives the same sum);
    - *another combination of the sum*: several invoices paid, and 2 to 4 others sum to the
      same total (one is found). When what was paid is all the invoices of one order (as
      payers pay a delivery), only another whole order of that total is as likely;
    - *fee or short-pay of another*: one invoice paid less a bank fee or short, and another
      would give the same amount under the same habits about as likely (paid exactly, less
      one of the fees, or, for a short-pay, short by the short-pay share);
    - *part payment*: a part of one invoice, and another is larger than what was paid
      (*of an order* when the memo names the order).

    Combinations of 5 or more with the same sum, a combination less a fee that another would
    give, and overpayments are not counted (it is a lower bound)."""
    by_number: dict[str, dict] = {}
    of_customer: dict[str, list[dict]] = defaultdict(list)
    of_order: dict[str, list[dict]] = defaultdict(list)
    for invoice in ledger["invoices"]:
        by_number[invoice["invoice_number"]] = invoice
        of_customer[invoice["customer_code"]].append(invoice)
        of_order[invoice["order_number"]].append(invoice)
    found: Counter = Counter()
    refs: set[str] = set()
    customer_receipts = 0
    for row in rows:
        truth = row["truth"]
        if truth["kind"] != "customer":
            continue
        customer_receipts += 1
        code, scenario, reference = truth["customer_code"], truth["scenario"], truth["reference"]
        paid_numbers = list(truth["allocations"])
        if reference == "no_reference":
            pool = of_customer[code]
        elif reference == "order_number":
            orders = {by_number[number]["order_number"] for number in paid_numbers}
            pool = [invoice for order in sorted(orders) for invoice in of_order[order]]
        elif reference == "period" and truth.get("period"):
            year, month = truth["period"]
            after = (year + 1, 1) if month == 12 else (year, month + 1)
            pool = [
                invoice
                for invoice in of_customer[code]
                if (invoice["invoice_date"].year, invoice["invoice_date"].month) in ((year, month), after)
            ]
        else:
            continue
        amounts = Counter(invoice["open_amount"] for invoice in pool)
        if len(paid_numbers) > 1:
            # Swapping a paid invoice for an unpaid one of the same amount gives the same sum.
            paid = Counter(by_number[number]["open_amount"] for number in paid_numbers)
            if scenario == "overpayment":
                continue
            orders = {by_number[number]["order_number"] for number in paid_numbers}
            if len(orders) == 1 and len(of_order[next(iter(orders))]) == len(paid_numbers):
                # All the invoices of one order (one delivery), as payers pay them: only another
                # whole order of the same total is as likely.
                total = sum(paid.elements(), Decimal(0))
                others = {i["order_number"] for i in pool} - orders
                if any(
                    len(of_order[o]) >= 2 and sum(i["open_amount"] for i in of_order[o]) == total
                    for o in others
                ):
                    found["another_combination_of_the_sum"] += 1
                    refs.add(row["bank_ref"])
                continue
            if any(amounts[a] > n for a, n in paid.items()):
                found["tie_in_combination"] += 1
                refs.add(row["bank_ref"])
            elif _another_subset(
                sum(paid.elements(), Decimal(0)),
                set(paid_numbers),
                [(i["invoice_number"], int(i["open_amount"] * 100)) for i in pool],
            ):
                found["another_combination_of_the_sum"] += 1
                refs.add(row["bank_ref"])
            continue
        (number,) = paid_numbers
        invoice_amount = by_number[number]["open_amount"]
        if scenario == "partial":
            if sum(1 for a in amounts.elements() if a > row["amount"]) >= 2:
                found["part_payment_of_an_order" if reference == "order_number" else "part_payment"] += 1
                refs.add(row["bank_ref"])
        elif scenario != "overpayment" and amounts[invoice_amount] >= 2:
            found["tie"] += 1
            refs.add(row["bank_ref"])
        elif scenario in ("bank_fee", "short_pay") and _could_be_another(
            row["amount"], invoice_amount, list(amounts.elements()), scenario
        ):
            found["fee_or_short_pay_of_another"] += 1
            refs.add(row["bank_ref"])
    total = sum(found.values())
    return {
        "counts": dict(sorted(found.items())),
        "share": round(total / max(1, customer_receipts), 4),
        "ceiling": round(1 - total / max(1, customer_receipts), 4),
        "bank_refs": sorted(refs),
    }


# Up to how many invoices a second combination of the same sum is looked for (4, or 6 as the
# matcher's CASH_COMBINATION_MAX_INVOICES: slower), and among how many open invoices at most.
WITNESS = {"size": 4, "pool": 150}


def _another_subset(total: Decimal, paid: set[str], invoices: list[tuple[str, int]]) -> bool:
    """Whether 2 to ``WITNESS["size"]`` of the customer's open invoices, other than those
    paid, sum to the same total (a witness, found by pairing pair and triple sums)."""
    target = int(total * 100)
    items = [(number, cents) for number, cents in invoices if cents < target]
    size = len(items)
    pairs: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for i in range(size):
        for j in range(i + 1, size):
            pairs[items[i][1] + items[j][1]].append((i, j))

    def other(*groups: tuple[int, ...]) -> bool:
        indexes = [k for group in groups for k in group]
        return len(set(indexes)) == len(indexes) and {items[k][0] for k in indexes} != paid

    def joined(left: dict, right: dict, limit: int = 20) -> bool:
        for total_left, members in left.items():
            rest = right.get(target - total_left)
            if rest and any(other(a, b) for a in members[:limit] for b in rest[:limit]):
                return True
        return False

    singles = {cents: [(k,)] for k, (_number, cents) in enumerate(items)}
    if any(other(pair) for pair in pairs.get(target, ())) or joined(singles, pairs) or joined(pairs, pairs):
        return True
    if WITNESS["size"] < 5 or size > WITNESS["pool"]:
        return False
    triples: dict[int, list[tuple[int, ...]]] = defaultdict(list)
    for (i, j), cents in ((pair, total) for total, members in pairs.items() for pair in members):
        for k in range(j + 1, size):
            triples[cents + items[k][1]].append((i, j, k))
    return joined(triples, pairs) or joined(triples, triples)


def _could_be_another(paid: Decimal, invoice_amount: Decimal, amounts: list[Decimal], scenario: str) -> bool:
    """Whether the customer has another open invoice that the same habits would turn into this
    amount about as likely: paid exactly, less one of the bank fees, or (for a short-pay) short
    by the short-pay share. A short-pay of another is no match for a bank fee: a fee is one of
    a few sums, a short-pay any of hundreds of amounts, so the fee is far the likelier."""
    low, high = SHORT_PAY_SHARE
    others = list(amounts)
    others.remove(invoice_amount)
    for amount in others:
        if amount == paid or amount - paid in BANK_FEES:
            return True
        if (
            scenario == "short_pay"
            and amount > paid
            and Decimal(str(low)) <= (amount - paid) / amount <= Decimal(str(high))
        ):
            return True
    return False


def run(
    ledger: dict, rows: list[dict], settings: MatchSettings, examples: int = 0
) -> tuple[dict, float, float]:
    customers, invoices, aliases = engine_inputs(ledger)
    lines = [bank_line(r) for r in rows]
    started, cpu = time.perf_counter(), time.process_time()
    index = MatchIndex(customers, invoices, aliases, settings)
    built, cpu_built = time.perf_counter(), time.process_time()
    proposals = index.match_all(lines)
    done, cpu_done = time.perf_counter(), time.process_time()
    figures = evaluate(rows, proposals)
    figures["undecidable"] = undecidable(ledger, rows)
    moot = frozenset(figures["undecidable"].pop("bank_refs"))
    # A check of the bound: a line it counts as undecidable that the matcher applied is either
    # a guess of the matcher's or a flaw of the bound.
    figures["undecidable"]["applied"] = sum(
        1 for row, p in zip(rows, proposals, strict=True) if p.status == AUTO and row["bank_ref"] in moot
    )
    if examples:
        figures["misses"] = misses(rows, proposals, is_right, examples, moot)
    # The same work without the other processes' load (scoring not included).
    figures["cpu_seconds"] = round(cpu_done - cpu, 2)
    figures["index_cpu_seconds"] = round(cpu_built - cpu, 2)
    figures["match_cpu_seconds"] = round(cpu_done - cpu_built, 2)
    figures["load_average"] = list(os.getloadavg())
    return figures, built - started, done - built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=None, help="default: invoices / 10")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--misses",
        type=int,
        default=0,
        metavar="N",
        help="also list the customer receipts not applied automatically by category, N examples each",
    )
    parser.add_argument(
        "--witness-size",
        type=int,
        choices=(4, 6),
        default=4,
        help="look for a second combination of a receipt's sum of up to 4 invoices, or of up to 6 "
        "(as the matcher does; slower) among at most 150 open invoices",
    )
    parser.add_argument(
        "--mix", choices=("base", "heldout", "both"), default="both", help="which statement(s) to match"
    )
    parser.add_argument(
        "--unreferenced-partial",
        choices=("review", "oldest_first"),
        default="review",
        help="the CASH_UNREFERENCED_PARTIAL setting (default: review, as shipped)",
    )
    args = parser.parse_args(argv)
    WITNESS["size"] = args.witness_size
    customers = args.customers or max(10, args.invoices // 10)
    started = time.perf_counter()
    ledger = generate_ledger(customers=customers, invoices=args.invoices, seed=args.seed)
    statements = {}
    if args.mix in ("base", "both"):
        statements["base"] = generate_bank_lines(ledger, lines=args.lines, seed=args.seed)
    if args.mix in ("heldout", "both"):
        statements["heldout"] = generate_bank_lines(
            ledger, lines=args.lines, seed=args.seed + 1000, variation="heldout"
        )
    generated = time.perf_counter() - started
    report = {
        "lines": args.lines,
        "invoices": len(ledger["invoices"]),
        "customers": customers,
        "seed": args.seed,
        "generation_seconds": round(generated, 2),
        "targets": TARGETS,
        "runs": {},
    }
    settings = MatchSettings(unreferenced_partial=args.unreferenced_partial)
    report["settings"] = {"unreferenced_partial": settings.unreferenced_partial}
    for name, rows in statements.items():
        figures, build, match = run(ledger, rows, settings, args.misses)
        figures.update(
            index_seconds=round(build, 2),
            match_seconds=round(match, 2),
            total_seconds=round(build + match, 2),
        )
        report["runs"][name] = figures
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        print_report(report)
    return 0


def print_report(report: dict) -> None:
    print(
        f"{report['lines']:,} lines against {report['invoices']:,} open invoices of "
        f"{report['customers']:,} customers (seed {report['seed']}; "
        f"generated in {report['generation_seconds']} s)"
    )
    for name, f in report["runs"].items():
        print(f"\n[{name}] statuses {f['statuses']}")
        print(
            f"  straight-through (customer receipts applied automatically): {f['straight_through']:.2%}"
            f"  (target >= {TARGETS['straight_through']:.0%})"
        )
        u = f["undecidable"]
        print(
            f"  undecidable by construction (from the truth, no matcher; a lower bound): {u['share']:.2%}"
            f" {u['counts']} -> no honest matcher applies more than {u['ceiling']:.2%}"
            f" (of those lines the matcher applied {u['applied']})"
        )
        print(f"  invoice-level hit rate: {f['invoice_hit_rate']:.2%}")
        print(
            f"  automatic lines: {f['auto_lines']:,}, wrong: {f['auto_wrong']}"
            f" -> right {f['auto_precision']:.3%} (target >= {TARGETS['auto_precision']:.1%});"
            f" false-match rate {f['false_match_rate']:.3%}"
        )
        print(f"  non-customer receipts applied: {f['non_customer_applied']} (must be 0)")
        print(
            f"  time: indexes {f['index_seconds']} s + matching {f['match_seconds']} s"
            f" = {f['total_seconds']} s wall (target < {TARGETS['seconds']:.0f} s);"
            f" CPU {f['cpu_seconds']} s (indexes {f['index_cpu_seconds']} s + matching"
            f" {f['match_cpu_seconds']} s), load {f['load_average']}"
        )
        print("  by scenario:")
        for scenario, counts in f["by_scenario"].items():
            print(f"    {scenario:20s} {dict(counts)}")
        print("  customer receipts by payer habit / reference:")
        for habit, counts in f["by_habit"].items():
            print(f"    {habit:40s} {dict(counts)}")
        for example in f["wrong_examples"][:10]:
            print(f"  wrong: {example}")
        if "misses" in f:
            print_misses(f["misses"])


if __name__ == "__main__":
    raise SystemExit(main())
