"""Cash application: bank statements in, receipts matched to customers and invoices."""
