"""Collections pages."""

from django.urls import path

from huikuan.web.views import correspondence

urlpatterns: list = [
    path("correspondence/templates/", correspondence.template_list, name="correspondence_templates"),
    path("correspondence/templates/<int:pk>/", correspondence.template_edit, name="correspondence_template"),
    path("correspondence/letterhead/", correspondence.letterhead_edit, name="correspondence_letterhead"),
]
