"""The reasons a proposal gives: stable codes with parameters, and the sentence for each.

The codes are an interface (the workbench, the API and the CLI's JSON carry them); the
sentences are for people and are translated.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

REASON_TEXTS = {
    "debit_line": _("A debit (money going out) is not a customer receipt."),
    "non_customer": _("The payer or memo says “{keyword}”: not a customer receipt."),
    "own_account": _(
        "Paid from account {account}, one of the company's own accounts: a transfer between its "
        "accounts, not a customer receipt."
    ),
    "own_name": _(
        "The payer “{name}” is the company itself: a transfer between its accounts, not a customer receipt."
    ),
    "account_alias": _(
        "Paid from account {account}, which earlier receipts taught belongs to this customer."
    ),
    "account_seen": _(
        "Paid from account {account}, from which another receipt of this batch, in this customer's "
        "own name, was applied to it."
    ),
    "non_customer_memo": _(
        "The memo says “{keyword}”, which a customer's payment seldom does: a person confirms."
    ),
    "on_behalf": _(
        "The memo says the money is paid for “{name}”: it is matched as that customer's payment, "
        "not the payer's."
    ),
    "name_alias": _("The payer name “{name}” was learned for this customer."),
    "name_exact": _("The payer name “{name}” is this customer's name ({form})."),
    "name_shared": _("The payer name “{name}” fits {count} customers."),
    "name_shared_amount": _(
        "The payer name “{name}” fits {count} customers; only this one has an open invoice of this amount."
    ),
    "name_similar_amount": _(
        "The payer name “{name}” resembles this customer's name (similar or cut short), and of the "
        "customers it resembles only this one has an open invoice of exactly this amount, which few "
        "open invoices carry: the two together identify the payer."
    ),
    "name_similar_sum": _(
        "The payer name “{name}” resembles this customer's name (similar or cut short), and of the "
        "customers it resembles only this one has open invoices that together come to exactly this "
        "amount as payers pay them (one order's, the oldest, all): the two together identify the payer."
    ),
    "memo_name_similar_sum": _(
        "The name the memo pays for, “{name}”, resembles this customer's name, and of the customers "
        "it resembles only this one has open invoices that together come to exactly this amount."
    ),
    "name_fuzzy": _("The payer name “{name}” resembles this customer's name ({score}% alike)."),
    "name_typo": _(
        "The payer name “{name}” is this customer's name with one character of its place or trade "
        "mistyped (no company's name has that word)."
    ),
    "memo_name_typo": _(
        "The name the memo pays for, “{name}”, is this customer's name with one character of its "
        "place or trade mistyped (no company's name has that word)."
    ),
    "memo_name_alias": _("The name the memo pays for, “{name}”, was learned for this customer."),
    "memo_name_exact": _("The name the memo pays for, “{name}”, is this customer's name ({form})."),
    "memo_name_fuzzy": _(
        "The name the memo pays for, “{name}”, resembles this customer's name ({score}% alike)."
    ),
    "memo_name_shared": _("The name the memo pays for, “{name}”, fits {count} customers."),
    "memo_name_shared_amount": _(
        "The name the memo pays for, “{name}”, fits {count} customers; only this one has an open "
        "invoice of this amount."
    ),
    "memo_name_similar_amount": _(
        "The name the memo pays for, “{name}”, resembles this customer's name, and of the customers "
        "it resembles only this one has an open invoice of exactly this amount."
    ),
    "reference_invoice": _("The memo names invoice {invoice}."),
    "reference_order": _("The memo names order {order} (invoice {invoice})."),
    "reference_contract": _("The memo names contract {contract} (invoice {invoice})."),
    "customer_code": _("The memo gives the customer code {code}."),
    "identity_conflict": _("Stronger evidence points at another customer ({other})."),
    "identity_not_firm": _(
        "Who paid rests on a name that is only similar or on the amount alone: a person confirms."
    ),
    "claimed_earlier": _(
        "An earlier line of this run already pays invoice {invoice}: a person decides what this one pays."
    ),
    "reference_unconfirmed": _(
        "Only a number written without prefix says who paid, and the amount does not bear it out: "
        "a person confirms."
    ),
    "on_behalf_amount": _(
        "Paid for another customer, and the amount is not what its invoices come to: a person confirms."
    ),
    "close_competitor": _("Another candidate is almost as likely ({other})."),
    "reference_vat_invoice": _("The memo names VAT invoice {vat}, which invoices {invoice}."),
    "amount_exact_reference": _("The amount equals the open amount of the {count} invoice(s) named."),
    "amount_equals_invoice": _("The amount equals the open amount of invoice {invoice}."),
    "amount_combination": _("The amount equals the sum of {count} open invoices."),
    "amount_oldest": _("The amount equals the {count} oldest open invoices together."),
    "amount_order": _("The amount equals the {count} open invoices of order {order} together."),
    "amount_contract": _("The amount equals the {count} open invoices of contract {contract} together."),
    "amount_all_open": _("The amount equals all {count} open invoices together."),
    "amount_within_tolerance": _(
        "The amount is {difference} short of the open amount, within the tolerance."
    ),
    "amount_less_bank_charge": _(
        "The amount is invoice {invoice} less {difference}, one of the charges banks take for a "
        "transfer: more than the tolerance, so the charge stays open on the invoice."
    ),
    "amount_short_of_one": _(
        "The amount is {difference} ({share}%) short of invoice {invoice}: more than the tolerance, "
        "but no other open invoice is so near (a deduction)."
    ),
    "charge_rather_than_sum": _(
        "{count} other open invoices also sum to the amount, but a receipt for anything else "
        "meets such a sum far more often than an invoice less a bank charge."
    ),
    "difference_bank_charge": _(
        "The difference {difference} has the size of a bank charge; {others} other open invoice(s) "
        "within the tolerance are short by sums no bank charges."
    ),
    "period_in_memo": _(
        "{count} open invoices have this amount; the memo names the period {period}, and only "
        "invoice {invoice} is of that month (none of the month after)."
    ),
    "period_names_invoice": _(
        "The memo names the period {period}: invoice {invoice} is the only open invoice of that "
        "month or issued in the month after."
    ),
    "period_narrows": _(
        "The memo names the period {period}, the month of invoice {invoice}: only the customer's "
        "{count} open invoice(s) of that month or issued in the month after compete."
    ),
    "amount_tie": _("The amount fits {count} invoices equally well: a person must choose."),
    "partial_payment": _("A part payment of invoice {invoice}; {remaining} stays open."),
    "partial_payment_several": _("Less than the {count} invoices named: allocated oldest first."),
    "overpayment": _("More than the invoices: {on_account} stays on account."),
    "reference_and_rest": _(
        "More than the invoices named: the rest, {rest}, is {count} other open invoice(s) of the "
        "customer to the cent, paid too."
    ),
    "invoice_count_stated": _("The memo says it pays {count} invoices."),
    "amount_invoice_plus_round": _(
        "The amount is invoice {invoice} and a round {on_account} more, and no other open invoice "
        "is exceeded by a round sum: the rest stays on account."
    ),
    "oldest_first_setting": _(
        "The setting applies a part or overpayment that names nothing to the oldest open invoices first."
    ),
    "amount_no_fit": _("The amount fits none of the customer's open invoices."),
    "no_open_invoices": _("The customer has no open invoices in this currency."),
    "currency_mismatch": _("The customer's open invoices are not in {currency}."),
    "no_customer": _("No customer could be identified from the account, name or memo."),
    "difference_write_off": _("The difference of {difference} is to be written off ({reason})."),
    "difference_leave_open": _("The difference of {difference} stays open on the invoice."),
}

# The reasons a short-pay is written off with, as stored (the default of the write-off reason
# setting); a reason a person typed is shown as they typed it.
WRITE_OFF_REASONS = {
    "bank_charges": _("bank charges"),
}

FORM_LABELS = {
    "full": _("full name"),
    "core": _("name without legal form"),
    "short": _("short name"),
    "english": _("English name"),
    "pinyin": _("pinyin"),
    "placeless": _("name without place"),
}


def reason_text(code: str, params: Mapping[str, str]) -> str:
    """The sentence for a reason code, in the active language."""
    template = REASON_TEXTS.get(code)
    if template is None:
        return code
    values = dict(params)
    if "form" in values and values["form"] in FORM_LABELS:
        values["form"] = str(FORM_LABELS[values["form"]])
    if "reason" in values and values["reason"] in WRITE_OFF_REASONS:
        values["reason"] = str(WRITE_OFF_REASONS[values["reason"]])
    try:
        return str(template).format(**values)
    except (KeyError, IndexError):
        return str(template)
