"""The roles of SPEC §1 and what each may do. Pure; no ORM.

A role is a Django group holding model permissions (``app_label.codename``). Which rows a
user sees is a separate matter, the scope: see ``huikuan.accounts.access``.
"""

from __future__ import annotations

ADMIN = "admin"
CREDIT_MANAGER = "credit_manager"
CREDIT_ANALYST = "credit_analyst"
COLLECTOR = "collector"
SALESPERSON = "salesperson"
SALES_MANAGER = "sales_manager"
DEPARTMENT_HEAD = "department_head"
LEGAL = "legal"
# Seed 002: market development (市场开发) scores the industry position and, where the company
# wants it, confirms the revenue contribution; finance scores the other two items.
MARKET_DEVELOPMENT = "market_development"
CFO = "cfo"
# SPEC §5.3: above a second threshold the president approves, after the CFO.
PRESIDENT = "president"
AUDITOR = "auditor"
CUSTOMER = "customer"

_LEDGER_MODELS = (
    "customer",
    "invoice",
    "payment",
    "allocation",
    "creditnote",
    "writeoff",
    "recovery",
    "termextension",
)
_READ_LEDGER = tuple(f"ledger.view_{model}" for model in _LEDGER_MODELS)
_PORTAL = ("ledger.view_customer", "ledger.view_invoice", "ledger.view_payment", "ledger.view_creditnote")


def _may(*verbs_models: str) -> tuple[str, ...]:
    return tuple(f"ledger.{verb_model}" for verb_model in verbs_models)


# Permissions by role. Reading is granted to every staff role; writing only where the role
# does that work. Auditors read everything and change nothing.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    ADMIN: _READ_LEDGER
    + tuple(f"ledger.{verb}_{model}" for verb in ("add", "change") for model in _LEDGER_MODELS)
    + ("auth.view_user", "auth.add_user", "auth.change_user"),
    # The credit manager keeps the ledger from the ERP's files, receipts included.
    CREDIT_MANAGER: _READ_LEDGER
    + _may(
        "add_customer", "change_customer", "add_invoice", "add_payment", "add_allocation", "add_creditnote"
    ),
    CREDIT_ANALYST: _READ_LEDGER + _may("change_customer"),
    COLLECTOR: _READ_LEDGER + _may("add_allocation"),
    SALESPERSON: _READ_LEDGER + _may("add_customer", "add_invoice"),
    SALES_MANAGER: _READ_LEDGER + _may("add_customer", "add_invoice"),
    DEPARTMENT_HEAD: _READ_LEDGER,
    LEGAL: _READ_LEDGER,
    MARKET_DEVELOPMENT: _READ_LEDGER,
    CFO: _READ_LEDGER + _may("add_allocation", "add_creditnote", "add_writeoff"),
    PRESIDENT: _READ_LEDGER,
    AUDITOR: _READ_LEDGER,
    CUSTOMER: _PORTAL,
}
# Letters and email: admins and credit managers edit the templates and the letterhead.
_CORRESPONDENCE = (
    "correspondence.view_documenttemplate",
    "correspondence.change_documenttemplate",
    "correspondence.view_letterhead",
    "correspondence.change_letterhead",
    "correspondence.view_outboundemail",
    "correspondence.view_letter",
)
ROLE_PERMISSIONS[ADMIN] += _CORRESPONDENCE
ROLE_PERMISSIONS[CREDIT_MANAGER] += _CORRESPONDENCE
ROLES: tuple[str, ...] = tuple(ROLE_PERMISSIONS)

# Roles that see only their assigned customers (SPEC §1); every other role sees all.
SCOPED_ROLES = (COLLECTOR, SALESPERSON, CUSTOMER)

# --- Collections (SPEC §6): policies are the credit manager's; the tools are the collectors'.
_COLLECTIONS_MODELS = (
    "dunningpolicy",
    "dunningstep",
    "dunningrun",
    "dunningaction",
    "activity",
    "promisetopay",
    "paymentplan",
    "planinstalment",
    "dispute",
    "overduereason",
    "penalty",
)
_READ_COLLECTIONS = tuple(f"collections.view_{model}" for model in _COLLECTIONS_MODELS)
_COLLECTOR_TOOLS = (
    "collections.change_dunningaction",
    "collections.add_activity",
    "collections.add_promisetopay",
    "collections.add_paymentplan",
    "collections.add_dispute",
    "collections.change_dispute",
    "collections.add_overduereason",
    "collections.add_penalty",
)
_COLLECTIONS_PERMISSIONS: dict[str, tuple[str, ...]] = {
    ADMIN: _READ_COLLECTIONS
    + tuple(
        f"collections.{verb}_{model}"
        for verb in ("add", "change")
        for model in ("dunningpolicy", "dunningstep")
    ),
    CREDIT_MANAGER: _READ_COLLECTIONS
    + _COLLECTOR_TOOLS
    + tuple(
        f"collections.{verb}_{model}"
        for verb in ("add", "change")
        for model in ("dunningpolicy", "dunningstep")
    ),
    CREDIT_ANALYST: _READ_COLLECTIONS,
    COLLECTOR: _READ_COLLECTIONS + _COLLECTOR_TOOLS,
    SALESPERSON: (*_READ_COLLECTIONS, "collections.change_dunningaction", "collections.add_activity"),
    SALES_MANAGER: _READ_COLLECTIONS,
    DEPARTMENT_HEAD: _READ_COLLECTIONS,
    LEGAL: _READ_COLLECTIONS + _COLLECTOR_TOOLS,
    MARKET_DEVELOPMENT: _READ_COLLECTIONS,
    CFO: _READ_COLLECTIONS,
    PRESIDENT: _READ_COLLECTIONS,
    AUDITOR: _READ_COLLECTIONS,
}
for _role, _extra in _COLLECTIONS_PERMISSIONS.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _extra
# The dunning runs page and POST /api/dunning/run: whoever edits the ladder runs it.
for _role in (ADMIN, CREDIT_MANAGER):
    ROLE_PERMISSIONS[_role] += ("collections.add_dunningrun",)

# Credit management (SPEC §5, huikuan.credit): every staff role reads it; these roles also
# file requests or record figures (decisions themselves go through approvals).
_CREDIT_MODELS = (
    "creditevaluation",
    "classchange",
    "order",
    "credithold",
    "termextensionrequest",
    "creditlimitapplication",
    "financialstatement",
    "marketassessment",
)
_CREDIT_WRITES: dict[str, tuple[str, ...]] = {
    ADMIN: ("add_order", "add_credithold", "add_financialstatement"),
    CREDIT_MANAGER: (
        "add_order",
        "add_credithold",
        "add_termextensionrequest",
        "add_creditlimitapplication",
        "add_financialstatement",
    ),
    CREDIT_ANALYST: ("add_creditlimitapplication", "add_financialstatement", "add_credithold"),
    SALESPERSON: ("add_order", "add_termextensionrequest", "add_creditlimitapplication"),
    SALES_MANAGER: ("add_order", "add_termextensionrequest", "add_creditlimitapplication"),
    MARKET_DEVELOPMENT: ("add_marketassessment",),
}
for _role in ROLE_PERMISSIONS:
    if _role != CUSTOMER:
        ROLE_PERMISSIONS[_role] += tuple(f"credit.view_{model}" for model in _CREDIT_MODELS) + tuple(
            f"credit.{permission}" for permission in _CREDIT_WRITES.get(_role, ())
        )

# Cash application (SPEC §7, huikuan.cash): every staff role reads the bank lines (scoped
# users only their customers'); the finance roles decide them on the workbench.
_CASH_READ = ("cash.view_bankline", "cash.view_linedecision", "cash.view_payeralias")
_CASH_DECIDERS = (ADMIN, CREDIT_MANAGER, CFO)
for _role in ROLE_PERMISSIONS:
    if _role != CUSTOMER:
        ROLE_PERMISSIONS[_role] += _CASH_READ
for _role in _CASH_DECIDERS:
    ROLE_PERMISSIONS[_role] += ("cash.change_bankline",)
# Statements of account (huikuan.statements): every staff role reads them; the collections
# team and the admin send them; the admin, the credit manager and collectors set schedules.
_STATEMENT_WRITES: dict[str, tuple[str, ...]] = {
    ADMIN: ("add_accountstatement", "change_statementschedule"),
    CREDIT_MANAGER: ("add_accountstatement", "change_statementschedule"),
    COLLECTOR: ("add_accountstatement", "change_statementschedule"),
    LEGAL: ("add_accountstatement",),
}
for _role in ROLE_PERMISSIONS:
    if _role != CUSTOMER:
        ROLE_PERMISSIONS[_role] += (
            "statements.view_accountstatement",
            *(f"statements.{permission}" for permission in _STATEMENT_WRITES.get(_role, ())),
        )
# Bank statements: the roles that see every customer read the statements and profiles (the
# lines, above, every staff role, scoped); the finance side imports them; admins and credit
# managers keep the banks' profiles.
for _role in ROLE_PERMISSIONS:
    if _role not in SCOPED_ROLES and _role != CUSTOMER:
        ROLE_PERMISSIONS[_role] += ("cash.view_bankstatement", "cash.view_bankprofile")
for _role in (ADMIN, CREDIT_MANAGER, CFO):
    ROLE_PERMISSIONS[_role] += ("cash.add_bankstatement", "cash.add_bankline")
for _role in (ADMIN, CREDIT_MANAGER):
    ROLE_PERMISSIONS[_role] += ("cash.add_bankprofile", "cash.change_bankprofile")
# VAT invoices and red-letter corrections (红冲): every staff role reads them; the finance side
# (admin, credit manager, CFO) records VAT invoices and raises and confirms corrections.
for _role in ROLE_PERMISSIONS:
    if _role != CUSTOMER:
        ROLE_PERMISSIONS[_role] += (
            "vat.view_vatinvoice",
            "vat.view_vatinvoicelink",
            "ledger.view_redlettercorrection",
        )
for _role in (ADMIN, CREDIT_MANAGER, CFO):
    ROLE_PERMISSIONS[_role] += (
        "vat.add_vatinvoice",
        "vat.add_vatinvoicelink",
        "vat.change_vatinvoicelink",
        "ledger.add_redlettercorrection",
        "ledger.change_redlettercorrection",
    )
