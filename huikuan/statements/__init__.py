"""Statements of account (对账单) and balance confirmations (询证函), answered through signed links."""
