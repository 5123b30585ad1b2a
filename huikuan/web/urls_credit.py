"""Credit pages."""

urlpatterns: list = []
