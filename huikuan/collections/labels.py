"""Words for the codes of collections that are data, not choices: the steps of the default
ladder and the risk segments. The pages show these (through ``huikuan.web.labels``) and so
does the customer's timeline; a step a credit manager added keeps its code."""

from __future__ import annotations

from django.utils.translation import pgettext_lazy

# Dunning steps of the default ladder, by code.
STEPS = {
    "delivery_check": pgettext_lazy("dunning step", "delivery confirmation call"),
    "goods_invoice_check": pgettext_lazy("dunning step", "goods and invoice confirmation"),
    "pre_due": pgettext_lazy("dunning step", "pre-due reminder"),
    "due": pgettext_lazy("dunning step", "due notice"),
    "first": pgettext_lazy("dunning step", "first collection"),
    "second": pgettext_lazy("dunning step", "second collection"),
    "letter": pgettext_lazy("dunning step", "dunning letter"),
    "legal": pgettext_lazy("dunning step", "legal demand"),
    "lawyer": pgettext_lazy("dunning step", "lawyer's letter"),
    # Not a rung of a ladder: the periodic check-in reminder (huikuan.collections.relationship).
    "check_in": pgettext_lazy("dunning step", "periodic check-in"),
}

SEGMENTS = {
    "premium": pgettext_lazy("risk segment", "premium"),
    "normal": pgettext_lazy("risk segment", "normal"),
    "high_risk": pgettext_lazy("risk segment", "high risk"),
}


def step_label(code: str) -> str:
    """A dunning step in words, in the active language; an unknown code as it is."""
    found = STEPS.get(code)
    return str(found) if found is not None else code
