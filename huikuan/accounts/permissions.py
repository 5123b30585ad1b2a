"""Who may do what: one decision per action, asked by the web, the API and the CLI alike.

Each action is a name (``"order.release"``) with one rule over the user's roles and model
permissions (``huikuan.accounts.roles``). Interfaces ask ``may(user, action)`` before they
call the service; none decides on its own. Which *rows* a user reaches is a separate
matter, the scope (``huikuan.accounts.access``): an allowed action on a customer out of
scope still answers 404. docs/permissions.md shows the resulting role × action table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied

from huikuan.accounts.access import user_roles
from huikuan.accounts.roles import (
    ADMIN,
    AUDITOR,
    CFO,
    COLLECTOR,
    CREDIT_ANALYST,
    CREDIT_MANAGER,
    CUSTOMER,
    LEGAL,
)

Rule = Callable[[Any], bool]


def _any_permission(*permissions: str) -> Rule:
    def rule(user: Any) -> bool:
        return any(user.has_perm(permission) for permission in permissions)

    return rule


def _any_role(*roles: str) -> Rule:
    wanted = frozenset(roles)

    def rule(user: Any) -> bool:
        return bool(user_roles(user) & wanted)

    return rule


def _staff(user: Any) -> bool:
    """Any role but the customer's."""
    return bool(user_roles(user) - {CUSTOMER})


def _staff_who_act(user: Any) -> bool:
    """Staff that may take part in decisions: auditors read and never act."""
    return bool(user_roles(user) - {CUSTOMER, AUDITOR})


# Filing a credit request (an order release, a hold lift) is for whoever does credit work:
# records orders, places holds, asks for extensions or limits.
_FILES_CREDIT_REQUESTS = _any_permission(
    "credit.add_order",
    "credit.add_credithold",
    "credit.add_termextensionrequest",
    "credit.add_creditlimitapplication",
)
_RUNS_EVALUATIONS = _any_role(ADMIN, CREDIT_MANAGER, CREDIT_ANALYST)
_EDITS_CONFIGURATION = _any_role(ADMIN, CREDIT_MANAGER)

ACTIONS: dict[str, Rule] = {
    # Reading.
    "ledger.read": _any_permission("ledger.view_customer"),  # own scope: customer users too
    "staff.read": _staff,  # pages and endpoints for staff only (settings, approvals, chains)
    "credit.read": _any_permission("credit.view_order"),
    # The ledger.
    "customer.create": _any_permission("ledger.add_customer"),
    "invoice.create": _any_permission("ledger.add_invoice"),
    "allocation.create": _any_permission("ledger.add_allocation"),
    # Credit management.
    "credit.check": _any_permission("credit.view_order"),  # a question, not a write
    "order.create": _any_permission("credit.add_order"),
    "order.release": _FILES_CREDIT_REQUESTS,
    "hold.place": _any_permission("credit.add_credithold"),
    "hold.lift": _FILES_CREDIT_REQUESTS,
    "extension.request": _any_permission("credit.add_termextensionrequest"),
    "limit.apply": _any_permission("credit.add_creditlimitapplication"),
    "statement.record": _any_permission("credit.add_financialstatement"),
    "credit.evaluate": _RUNS_EVALUATIONS,
    # Items 1 and 4 of the classification (seed 002): market development's, never finance's.
    "market.confirm": _any_permission("credit.add_marketassessment"),
    # Charging the overdue fee raises a receivable: the credit manager's (and admin's) call.
    "fee.charge": _EDITS_CONFIGURATION,
    # A customer's contractual late-payment rate and the LPR table: the credit manager's.
    "interest_rate.set": _EDITS_CONFIGURATION,
    "class.propose": _RUNS_EVALUATIONS,
    "settings.edit": _EDITS_CONFIGURATION,
    # Approvals: whether this user may decide this step is the approval rules' business.
    "approval.decide": _staff_who_act,
    "chain.edit": _EDITS_CONFIGURATION,
    # Collections.
    "task.complete": _any_permission("collections.change_dunningaction"),
    "activity.log": _any_permission("collections.add_activity"),
    "promise.make": _any_permission("collections.add_promisetopay"),
    "plan.create": _any_permission("collections.add_paymentplan"),
    "dispute.open": _any_permission("collections.add_dispute"),
    "dispute.resolve": _any_permission("collections.change_dispute"),
    "overdue_reason.set": _any_permission("collections.add_overduereason"),
    "penalty.propose": _any_permission("collections.add_penalty"),
    "policy.edit": _any_permission("collections.change_dunningpolicy"),
    "step.edit": _any_permission("collections.change_dunningstep"),
    "dunning.run": _any_permission("collections.add_dunningrun"),
    # Cash application: the bank lines and the decisions on them.
    "cash.read": _any_permission("cash.view_bankline"),
    "cash.decide": _any_permission("cash.change_bankline"),
    # Statements of account and balance confirmations.
    "statement.read": _any_permission("statements.view_accountstatement"),
    "statement.send": _any_permission("statements.add_accountstatement"),
    "statement_schedule.edit": _any_permission("statements.change_statementschedule"),
    # Bank statements (cash application).
    "bank.import": _any_permission("cash.add_bankstatement"),
    "bank_profile.edit": _any_permission("cash.change_bankprofile"),
    # Early warnings: whoever handles them (any staff but auditors) acknowledges them.
    "warning.acknowledge": _staff_who_act,
    # VAT invoices and red-letter corrections (红冲).
    "vat.record": _any_permission("vat.add_vatinvoicelink"),
    "correction.raise": _any_permission("ledger.add_redlettercorrection"),
    "correction.confirm": _any_permission("ledger.change_redlettercorrection"),
    # Write-offs (核销): proposed by those who chase or assess the debt; decided in approvals.
    "writeoff.propose": _any_role(ADMIN, CREDIT_MANAGER, CREDIT_ANALYST, COLLECTOR, LEGAL, CFO),
    # Money collected on a written-off debt (坏账收回) is recorded by finance.
    "writeoff.recover": _any_role(ADMIN, CREDIT_MANAGER, CFO),
    # Advance receipts (预收): recording a payment as one and offsetting it against invoices is
    # cash application, finance's and the credit manager's.
    "advance.record": _any_role(ADMIN, CREDIT_MANAGER, CFO),
    # The AR/AP offset (应收冲应付) and the rounding tails (尾差): proposed by the credit team or
    # finance; decided in approvals.
    "offset.propose": _any_role(ADMIN, CREDIT_MANAGER, CREDIT_ANALYST, CFO),
    # The clearance plan (清欠方案): set up and steered by the credit manager and finance.
    "clearance_plan.edit": _any_role(ADMIN, CREDIT_MANAGER, CFO),
    # Staff scorecards (考核与奖惩): every staff role reads them (a collector or salesperson only
    # their own line); the credit manager or admin runs a month and edits targets and rules;
    # approval is the approvals' business; the payroll workbook is finance's.
    "scorecard.read": _staff,
    "scorecard.run": _EDITS_CONFIGURATION,
    "scorecard.configure": _EDITS_CONFIGURATION,
    "scorecard.export": _any_role(ADMIN, CREDIT_MANAGER, CFO, AUDITOR),
    # Management reports: finance (the CFO), the credit manager and admins say who gets which.
    "report_schedule.edit": _any_role(ADMIN, CREDIT_MANAGER, CFO),
    # Acceptance bills (承兑汇票): every staff role reads the register; receiving a bill and
    # recording its moves (endorse, discount, present, honour, dishonour) is finance's work.
    "bill.read": _staff,
    "bill.manage": _any_role(ADMIN, CREDIT_MANAGER, CFO),
    # Legal cases (法务) and collection agencies (第三方机构): every staff role reads them (scoped
    # users only their customers'); the credit manager and legal open and work the cases,
    # hand debts to agencies and record what comes back.
    "legal.read": _staff,
    "legal_case.edit": _any_role(ADMIN, CREDIT_MANAGER, LEGAL),
    "agency.assign": _any_role(ADMIN, CREDIT_MANAGER, LEGAL),
    # Letters and email.
    "template.edit": _any_permission("correspondence.change_documenttemplate"),
    "letterhead.edit": _any_permission("correspondence.change_letterhead"),
}


def may(user: Any, action: str) -> bool:
    """Whether ``user`` may do ``action`` at all (an unknown action is a programming error)."""
    rule = ACTIONS[action]
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return rule(user)


def require(user: Any, action: str) -> None:
    """``may`` or ``PermissionDenied`` (403 on the web and the API, a refusal in the CLI)."""
    if not may(user, action):
        raise PermissionDenied(f"not allowed: {action}")


def allowed_actions(user: Any) -> dict[str, bool]:
    """Every action and whether ``user`` may do it: what a page shows a form or a button for."""
    return {action: may(user, action) for action in ACTIONS}
