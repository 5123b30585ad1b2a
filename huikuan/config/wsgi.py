import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.config.settings")
application = get_wsgi_application()

# A web process never does queued work (a run's deliveries): the scheduler's worker or Celery does.
from huikuan.core.tasks import tasks_background  # noqa: E402 - after Django is set up

tasks_background()
