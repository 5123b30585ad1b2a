"""VAT invoices (增值税专用/普通发票, 数电票) matched to the receivables they invoice."""
