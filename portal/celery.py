"""The Celery app. Workers start with ``celery -A portal.celery worker``."""

from celery import Celery

from portal.startup import load_settings_or_exit

load_settings_or_exit()

app = Celery("greenroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
