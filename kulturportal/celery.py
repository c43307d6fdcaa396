import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kulturportal.settings")

app = Celery("kulturportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_init.connect
def _warm_up_pdf_renderer(**kwargs):
    """Import WeasyPrint and lay out one line in each worker process as it starts, so the
    first PDF someone waits for does not also pay for the imports and the font lookup."""
    from kulturportal.pdf import warm_up

    warm_up()
