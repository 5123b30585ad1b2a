"""Why customer receipts were not applied automatically: each miss put in one category, with
examples, and whether the best candidate would have been right (an opportunity) or not.

Used by ``cashapp.py --misses N`` (N examples per category). The categories come from the
proposal's reason codes, so they name the rule that held the line back:

- ``tie``: the amount fits two or more invoices (or combinations) equally;
- ``identity conflict`` / ``close competitor``: two customers' evidence disagrees;
- ``name not firm (fuzzy|prefix|placeless|shared)``: only a similar, cut, place-less or
  shared name says who paid;
- ``part/over payment, nothing fits``: the customer is known, the amount fits nothing named;
- ``tolerance`` / ``combination``: the fit was found but is below the threshold;
- ``unmatched``: no candidate above the review threshold.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from huikuan.cash.matching import AUTO, UNMATCHED


def _codes(reasons) -> list[str]:
    return [r.code for r in reasons]


def category(proposal) -> str:
    """The rule that kept this proposal from being applied automatically."""
    if proposal.status == UNMATCHED or not proposal.candidates:
        return "unmatched"
    best = proposal.candidates[0]
    codes = _codes(best.reasons)
    held = _codes(proposal.reasons)
    if "amount_tie" in codes:
        return "tie"
    if "identity_conflict" in held:
        return "identity conflict"
    if "close_competitor" in held:
        return "close competitor"
    if "identity_not_firm" in held:
        if "name_fuzzy" in codes:
            return "name not firm (fuzzy)"
        if "name_shared" in codes:
            return "name not firm (shared)"
        params = [dict(r.params).get("form") for r in best.reasons if r.code == "name_exact"]
        return f"name not firm ({params[0] if params else 'other'})"
    if {"amount_no_fit", "overpayment", "partial_payment", "partial_payment_several"} & set(codes):
        return "part/over payment, nothing fits"
    if "amount_within_tolerance" in codes:
        return "tolerance below threshold"
    if "amount_combination" in codes or "amount_oldest" in codes or "amount_order" in codes:
        return "combination below threshold"
    return "low confidence: " + ",".join(codes[-2:])


def best_is_right(proposal, truth: dict, is_right) -> bool:
    """Would applying the best candidate have been right?"""
    return bool(proposal.candidates) and is_right(proposal.candidates[0], truth)


def misses(
    rows: list[dict], proposals: list, is_right, examples: int = 3, undecidable: frozenset[str] = frozenset()
) -> dict:
    """Counts per category (share of customer receipts), how many of them had the right best
    candidate, how many the line cannot decide (``undecidable``: bank refs), and a few
    examples of the others each."""
    customer = [(r, p) for r, p in zip(rows, proposals, strict=True) if r["truth"]["kind"] == "customer"]
    counts: Counter = Counter()
    right: Counter = Counter()
    moot: Counter = Counter()
    scenarios: dict[str, Counter] = defaultdict(Counter)
    shown: dict[str, list] = defaultdict(list)
    for row, proposal in customer:
        if proposal.status == AUTO:
            continue
        name = category(proposal)
        counts[name] += 1
        ok = best_is_right(proposal, row["truth"], is_right)
        right[name] += ok
        truth = row["truth"]
        scenarios[name][f"{truth['scenario']}/{truth['habit']}/{truth['reference']}"] += 1
        if row["bank_ref"] in undecidable:
            moot[name] += 1
            continue
        if len(shown[name]) < examples:
            best = proposal.candidates[0] if proposal.candidates else None
            shown[name].append(
                {
                    "payer": row["payer_name"],
                    "account_known": bool(row["payer_account"]),
                    "memo": row["memo"],
                    "amount": str(row["amount"]),
                    "scenario": truth["scenario"],
                    "truth": truth["customer_code"],
                    "want": {k: str(v) for k, v in truth["allocations"].items()},
                    "best": best and best.customer_code,
                    "best_right": ok,
                    "confidence": best and str(best.confidence),
                    "got": best and [(a.invoice_number, str(a.amount)) for a in best.allocations],
                    "reasons": best and _codes(best.reasons) + _codes(proposal.reasons)[len(best.reasons) :],
                    "others": [(c.customer_code, str(c.confidence)) for c in proposal.candidates[1:3]],
                }
            )
    total = max(1, len(customer))
    return {
        name: {
            "count": n,
            "share": round(n / total, 4),
            "best_right": right[name],
            "undecidable": moot[name],
            "scenarios": dict(scenarios[name].most_common(6)),
            "examples": shown[name],
        }
        for name, n in counts.most_common()
    }


def print_misses(table: dict) -> None:
    print("  customer receipts not applied automatically, by the rule that held them back:")
    for name, row in table.items():
        print(
            f"    {name:34s} {row['count']:5d} ({row['share']:.2%} of customer receipts);"
            f" best candidate right in {row['best_right']}; undecidable by construction {row['undecidable']}"
        )
        print(f"      {row['scenarios']}")
        for example in row["examples"]:
            print(f"      e.g. {example}")
