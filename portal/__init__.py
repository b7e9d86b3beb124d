"""Greenroom's Django project and shared app: settings, URLs, Celery, auth, jobs, the
plugin registry and the portal shell."""
