"""Django settings for Greenroom, read from the environment and app-config files.

Every rule lives in ``portal.conf`` as a pure function; this module only wires the
results into Django's names. The full list of variables is in the README.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from social_core.pipeline import DEFAULT_AUTH_PIPELINE

from portal.conf import (
    broker_settings,
    config_files,
    content_security_policy,
    database_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
    github_auth_settings,
    load_app_config,
    secret_key,
    storage_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent
ENV = os.environ
VAR_DIR = Path(env_str(ENV, "GREENROOM_VAR_DIR", str(BASE_DIR / "var"))).resolve()

#: The merged app-config, for the apps to read through ``portal.config``.
APP_CONFIG = load_app_config(config_files(ENV, BASE_DIR), ENV)
_APP = APP_CONFIG.get("app") or {}
PORTAL_TITLE = _APP.get("title", "Greenroom")
PORTAL_BASE_URL = _APP.get("baseUrl", "http://127.0.0.1:8000").rstrip("/")
ORGANIZATION_NAME = (APP_CONFIG.get("organization") or {}).get("name", "")
_BASE = urlsplit(PORTAL_BASE_URL)
_HTTPS = _BASE.scheme == "https"

DEBUG = env_bool(ENV, "DEBUG", default=False)
SECRET_KEY = secret_key(ENV, VAR_DIR)
ALLOWED_HOSTS = env_list(
    ENV, "ALLOWED_HOSTS", [_BASE.hostname or "127.0.0.1", "localhost", "127.0.0.1"]
)
CSRF_TRUSTED_ORIGINS = [f"{_BASE.scheme}://{_BASE.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "social_django",
    "portal",
    "catalog",
    "scaffolder",
    "techdocs",
    *env_list(ENV, "GREENROOM_PLUGINS", []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portal.audit.context.AuditMiddleware",
    "portal.access.checks.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "social_django.middleware.SocialAuthExceptionMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "catalog.context_processors.catalog_identity",
            ],
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {"default": database_settings(ENV, APP_CONFIG, VAR_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STORAGES = storage_settings(ENV, VAR_DIR)
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str(ENV, "STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]

_SIGN_IN_STEPS = {
    "social_core.pipeline.social_auth.social_user":
        ("portal.auth.pipeline.refuse_users_without_entity",),
    "social_core.pipeline.social_auth.load_extra_data":
        ("portal.auth.pipeline.remember_verified_emails",),
}  # fmt: skip
AUTHENTICATION_BACKENDS = [
    "portal.auth.github.GitHubOAuth2",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

globals().update(github_auth_settings(APP_CONFIG))
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/login/"
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/"
SOCIAL_AUTH_SANITIZE_REDIRECTS = True
SOCIAL_AUTH_GITHUB_SCOPE = ["read:user", "user:email"]
SOCIAL_AUTH_JSONFIELD_ENABLED = True
SOCIAL_AUTH_REDIRECT_IS_HTTPS = _HTTPS
# social-auth's default pipeline, with the catalog's two steps: a login the catalog
# does not know can be refused before an account exists, and the verified addresses
# are kept for matching the User entity.
SOCIAL_AUTH_PIPELINE = tuple(
    step
    for default in DEFAULT_AUTH_PIPELINE
    for step in (default, *_SIGN_IN_STEPS.get(default, ()))
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Security: cookies and HSTS follow app.baseUrl, so plain-HTTP local use keeps
# working while an HTTPS deployment gets the full set that `check --deploy` wants.
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _HTTPS and env_bool(ENV, "SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int(ENV, "SECURE_HSTS_SECONDS", 31536000) if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
# Preloading puts the whole domain on browsers' HTTPS-only list for good: that is
# the organisation's decision, not the portal's, so it is opt-in and its check silenced.
SECURE_HSTS_PRELOAD = env_bool(ENV, "SECURE_HSTS_PRELOAD", default=False)
if env_bool(ENV, "GREENROOM_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
#: Sent with every response by portal.csp (app-config ``backend.csp`` changes it).
CONTENT_SECURITY_POLICY = content_security_policy(APP_CONFIG)
# Over plain HTTP (the local default) secure cookies, HSTS and the HTTPS redirect
# would break sign-in, so their checks only apply when app.baseUrl is https.
_HTTP_ONLY_CHECKS = ["security.W004", "security.W008", "security.W012", "security.W016"]
# models.W040: the covering indexes' INCLUDE columns are a PostgreSQL speed-up; SQLite
# ignores them, which is fine, and the warning would greet every new user.
SILENCED_SYSTEM_CHECKS = ["security.W021", "models.W040",
                          *([] if _HTTPS else _HTTP_ONLY_CHECKS)]  # fmt: skip

_BROKER = broker_settings(ENV, VAR_DIR)
CELERY_BROKER_URL = _BROKER["broker_url"]
CELERY_BROKER_TRANSPORT_OPTIONS = _BROKER["broker_transport_options"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SOFT_TIME_LIMIT = env_int(ENV, "CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int(ENV, "CELERY_TASK_TIME_LIMIT", 900)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
#: Where ``publish:git`` may push ``file://`` repositories (and creates missing ones),
#: readable by the catalog too: app-config ``scaffolder.git.localRoot``, else var/git.
SCAFFOLDER_GIT_ROOT = Path(
    ((APP_CONFIG.get("scaffolder") or {}).get("git") or {}).get("localRoot") or VAR_DIR / "git"
).resolve()
#: Finished jobs and their logs are pruned after this many days.
JOB_RETENTION_DAYS = env_int(ENV, "JOB_RETENTION_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str(ENV, "LOG_LEVEL", "INFO").upper()},
    # The pool logs every failed reconnect attempt; /readyz and the start-up check
    # already report an unreachable database once, clearly.
    # kombu warns that the folder broker has no host name; it needs none.
    # httpx logs every request's full URL at INFO, query string (tokens) included;
    # the catalog's readers report failures themselves, without them.
    "loggers": {"psycopg.pool": {"level": "ERROR"}, "kombu.connection": {"level": "ERROR"},
                "httpx": {"level": "WARNING"}},
}
CELERY_BEAT_SCHEDULE = {
    "catalog-refresh-due": {"task": "catalog.tasks.refresh_due", "schedule": 30},
    "scaffolder-janitor": {"task": "scaffolder.tasks.janitor", "schedule": 10},
    "techdocs-sync-sites": {"task": "techdocs.tasks.sync_sites", "schedule": 60},
    "prune-finished-jobs": {
        "task": "portal.tasks.run_scheduled",
        "schedule": 24 * 3600,
        "args": ["portal.prune_jobs"],
    },
    "prune-audit-log": {
        "task": "portal.tasks.run_scheduled",
        "schedule": 24 * 3600,
        "args": ["portal.prune_audit"],
    },
    "rebuild-search-index": {
        "task": "portal.tasks.run_scheduled",
        "schedule": 24 * 3600,
        "args": ["portal.search_rebuild"],
    },
}
