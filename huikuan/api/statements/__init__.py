"""Statements of account: a customer's statements, one statement with its lines and answer,
sending (queued, never in the request) and the schedule. Thin: one statements service or
selector per request; a customer out of the user's scope is 404."""
