"""Approvals pages."""

urlpatterns: list = []
