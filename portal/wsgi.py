"""WSGI entry point (gunicorn ``portal.wsgi``)."""

import gc

from django.core.wsgi import get_wsgi_application

from portal.startup import load_settings_or_exit

load_settings_or_exit()
application = get_wsgi_application()

from catalog.api.served import warm_in_background  # noqa: E402 - needs Django set up

# Requests allocate many short-lived objects (list responses hold thousands of
# strings); with CPython's default thresholds the collector then walks every
# long-lived object of Django and the app many times a second, which shows as
# multi-millisecond pauses in the slowest requests. Objects alive now live as long
# as the process: keep them out of collections, and collect young ones less often.
gc.collect()
gc.freeze()
gc.set_threshold(50_000, 20, 20)

# Each worker loads the served catalog's JSON while it waits for its first requests.
warm_in_background()
