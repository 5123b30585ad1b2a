"""The cash-application matching engine: plain data in, one proposal per bank line out.

No ORM here: the caller reads bank lines, customers, open invoices and learned aliases,
builds a :class:`MatchIndex` once per batch (settings from ``policy_value``) and asks it
for a :class:`Proposal` per line. See docs/cash-matching.md.
"""

from huikuan.cash.matching.engine import MatchIndex, match_lines
from huikuan.cash.matching.model import (
    AUTO,
    CREDIT,
    DEBIT,
    IGNORED,
    LEAVE_OPEN,
    REVIEW,
    STATUSES,
    UNMATCHED,
    WRITE_OFF,
    Aliases,
    Allocation,
    BankLine,
    Candidate,
    CustomerRef,
    MatchSettings,
    OpenInvoice,
    OwnParty,
    Proposal,
    Reason,
    settings_from,
)
from huikuan.cash.matching.reasons import reason_text

__all__ = [
    "AUTO",
    "CREDIT",
    "DEBIT",
    "IGNORED",
    "LEAVE_OPEN",
    "REVIEW",
    "STATUSES",
    "UNMATCHED",
    "WRITE_OFF",
    "Aliases",
    "Allocation",
    "BankLine",
    "Candidate",
    "CustomerRef",
    "MatchIndex",
    "MatchSettings",
    "OpenInvoice",
    "OwnParty",
    "Proposal",
    "Reason",
    "match_lines",
    "reason_text",
    "settings_from",
]
