"""The demo company (issues 2 and 9): a ledger and a year of credit and collections work on it.

``huikuan.ledger.demo`` writes and imports the receivables ledger; this package, above every
domain app, then does what a credit department would have done with it, through the same
services the web application calls: the users of every approval step, a year of monthly
evaluations and class changes, financial statements, orders checked against credit (the
blocked ones waiting for release), overdue reasons, promises, disputes, payment plans and the
letterhead. The same seed gives the same records (passwords apart).
"""

from huikuan.demo.company import demo_company_load
from huikuan.demo.users import DEMO_USERS, demo_users_ensure

__all__ = ["DEMO_USERS", "demo_company_load", "demo_users_ensure"]
