import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kulturportal.settings")

app = Celery("kulturportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _warm_up_pdf_renderer(**kwargs):
    """Import WeasyPrint and lay out one line in the worker's main process before it forks
    its pool, so every child starts warm: the first PDF someone waits for does not pay for
    the imports and the font lookup, and the children do not all warm up at once while the
    worker is already taking tasks."""
    from kulturportal.pdf import warm_up

    warm_up()
