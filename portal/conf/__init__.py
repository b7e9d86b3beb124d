"""Configuration: app-config files and environment variables, turned into settings.

Everything here is a pure function of the environment and the config files, so the
settings module stays a short list of assignments and each rule has a unit test.
"""

from portal.conf.appconfig import config_files, load_app_config
from portal.conf.broker import broker_settings
from portal.conf.csp import content_security_policy
from portal.conf.database import database_settings, describe_database
from portal.conf.environ import env_bool, env_int, env_list, env_str
from portal.conf.errors import ConfigError
from portal.conf.github_auth import github_auth_settings
from portal.conf.secret import secret_key
from portal.conf.storage import storage_settings

__all__ = [
    "ConfigError",
    "broker_settings",
    "config_files",
    "content_security_policy",
    "database_settings",
    "describe_database",
    "env_bool",
    "env_int",
    "env_list",
    "env_str",
    "github_auth_settings",
    "load_app_config",
    "secret_key",
    "storage_settings",
]
