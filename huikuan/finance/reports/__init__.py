"""Management reports (issue 13, item 5): daily, weekly, monthly, special (one customer) and
annual. Each is a selector returning plain data (``huikuan.finance.reports.build``), a document
of sections, charts and tables in the reader's language, and three renderings of it: the web
page, a PDF and an XLSX. Schedules send them by email (``huikuan.finance.reports.schedules``).
"""
