"""The web application (SPEC §12): server-rendered pages over the same selectors as the API."""
