# Greenroom production image: gunicorn serves the web process; the same image runs
# the Celery worker and beat (see Procfile). Configure it with environment variables
# (README, "Configuration") and mount app-config files, e.g. GREENROOM_CONFIG=
# /app/app-config.yaml:/etc/greenroom/app-config.production.yaml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GREENROOM_VAR_DIR=/var/lib/greenroom \
    STATIC_ROOT=/app/staticfiles

RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/greenroom greenroom

WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=collectstatic-only-not-a-runtime-secret-0123456789abcdef \
    GREENROOM_VAR_DIR=/tmp/build python manage.py collectstatic --noinput \
 && rm -rf /tmp/build

USER greenroom
EXPOSE 8000
CMD ["sh", "-c", "gunicorn portal.wsgi --bind 0.0.0.0:${PORT:-8000} --workers ${WEB_CONCURRENCY:-3} --access-logfile -"]
