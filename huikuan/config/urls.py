from django.contrib import admin
from django.urls import include, path

# Every app's admin.py, imported here rather than at start-up (huikuan.config.admin).
admin.autodiscover()

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("huikuan.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("huikuan.web.urls")),
]

# Error pages: translated HTML for the pages, JSON under /api/ (huikuan.web.views.errors).
handler400 = "huikuan.web.views.errors.bad_request"
handler403 = "huikuan.web.views.errors.permission_denied"
handler404 = "huikuan.web.views.errors.page_not_found"
handler500 = "huikuan.web.views.errors.server_error"
