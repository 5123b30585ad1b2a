"""Collections pages."""

urlpatterns: list = []
