"""Credit routes of the REST API."""

urlpatterns: list = []
