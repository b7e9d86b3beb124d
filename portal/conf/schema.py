"""The shape of ``app-config.yaml`` that Greenroom reads.

Only the keys Greenroom uses are described; any other key is allowed, so an existing
Backstage ``app-config.yaml`` loads unchanged. A wrong type or value on a known key
is reported with its dotted path, e.g. ``catalog.locations[2].target``.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from portal.access.permissions import PERMISSIONS
from portal.access.roles import ROLES
from portal.conf.errors import ConfigError

__all__ = ["APP_CONFIG_SCHEMA", "validate_app_config"]

_STRING = {"type": "string"}
_NON_EMPTY = {"type": "string", "minLength": 1}
_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}}
_URL = {"type": "string", "pattern": r"^https?://[^\s/]+"}

_GITHUB_AUTH_ENV = {
    "type": "object",
    "properties": {
        "clientId": _NON_EMPTY,
        "clientSecret": _NON_EMPTY,
        "enterpriseInstanceUrl": _URL,
    },
    "required": ["clientId", "clientSecret"],
}

#: Backstage's durations: seconds, ``'90s'``/``'5m'``, or ``{minutes: 5}``.
_DURATION = {
    "description": "a duration (seconds, '90s', '5m', or {minutes: 5})",
    "oneOf": [
        {"type": "number", "exclusiveMinimum": 0},
        {"type": "string", "pattern": r"^\s*\d+\s*(ms|s|m|h)?\s*$"},
        {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": {
                unit: {"type": "number"} for unit in ("milliseconds", "seconds", "minutes", "hours")
            },
        },
    ],
}

_RULE = {
    "type": "object",
    "properties": {"allow": {"type": "array", "items": _NON_EMPTY}},
    "required": ["allow"],
}


def _integrations(*urls: str, **extra: Any) -> dict[str, Any]:
    """A list of hosts of one SCM provider, each with a token and its URLs."""
    properties = {"host": _NON_EMPTY, "token": _STRING, **{url: _URL for url in urls}, **extra}
    item = {"type": "object", "properties": properties, "required": ["host"]}
    return {"type": "array", "items": item}


#: A GitHub App the catalog reads as (Backstage's ``integrations.github[].apps``).
_GITHUB_APP = {
    "type": "object",
    "properties": {
        "appId": {"type": ["string", "integer"]},
        "privateKey": _NON_EMPTY,
        "allowedInstallationOwners": _NAMES,
    },
    "required": ["appId", "privateKey"],
}

_SCHEDULE = {"type": "object", "properties": {"frequency": _DURATION, "timeout": _DURATION}}

#: ``catalog.providers.githubOrg``: one provider, or a list of them.
_GITHUB_ORG_PROVIDER = {
    "type": "object",
    "properties": {"id": _NON_EMPTY, "githubUrl": _URL, "orgs": _NAMES, "schedule": _SCHEDULE},
    "required": ["githubUrl", "orgs"],
}

#: ``catalog.providers.github.<id>`` (or one provider written under ``github``).
_GITHUB_DISCOVERY_PROVIDER = {
    "type": "object",
    "properties": {
        "organization": _NON_EMPTY,
        "host": _NON_EMPTY,
        "catalogPath": _NON_EMPTY,
        "schedule": _SCHEDULE,
        "filters": {
            "type": "object",
            "properties": {
                "repository": {"type": "string", "format": "regex"},
                "branch": _NON_EMPTY,
                "allowForks": {"type": "boolean"},
                "visibility": {"type": "array", "items": {"enum": ["public", "private",
                                                                   "internal"]}},
                "topic": {"oneOf": [_NON_EMPTY, {"type": "object", "properties": {
                    "include": _NAMES, "exclude": _NAMES}}]},
            },
        },
    },
    "required": ["organization"],
}


#: An Argo CD instance, as Backstage's Argo CD plugin reads it: a token, or a login.
_ARGOCD_INSTANCE = {
    "type": "object",
    "properties": {
        "name": _NON_EMPTY, "url": _URL, "token": _STRING, "username": _STRING, "password": _STRING
    },
    "required": ["name", "url"],
}

#: ``permission``: roles for everyone and by principal, and rules for GitOps shops.
_PERMISSION = {
    "type": "object",
    "properties": {
        "defaultRole": {"enum": [*ROLES, None]},
        "roles": {"type": "object", "propertyNames": {"enum": list(ROLES)},
                  "additionalProperties": _NAMES},
        "rules": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "permission": {"enum": list(PERMISSIONS)},
                "decision": {"enum": ["allow", "deny"]},
                "for": _NAMES,
                "when": {"type": "object", "additionalProperties": False, "properties": {
                    "kind": _NAMES, "tags": _NAMES, "owner": _NAMES, "action": _NAMES,
                    "ownedByMe": {"type": "boolean"}}},
            },
            "required": ["permission"],
        }},
    },
}  # fmt: skip

APP_CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "app": {
            "type": "object",
            "properties": {
                "title": _NON_EMPTY,
                "baseUrl": _URL,
                "externalImages": {"type": "boolean"},
            },
        },
        "organization": {"type": "object", "properties": {"name": _NON_EMPTY}},
        "backend": {
            "type": "object",
            "properties": {
                "baseUrl": _URL,
                "workingDirectory": _NON_EMPTY,
                "csp": {
                    "type": "object",
                    "additionalProperties": {
                        "description": "a list of sources, or false to remove the directive",
                        "oneOf": [{"type": "array", "items": _STRING}, {"const": False}],
                    },
                },
                "auth": {
                    "type": "object",
                    "properties": {
                        "dangerouslyDisableDefaultAuthPolicy": {"type": "boolean"},
                        "externalAccess": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "type": _NON_EMPTY,
                                    "options": {
                                        "type": "object",
                                        "properties": {"token": _STRING, "subject": _STRING},
                                    },
                                },
                                "required": ["type"],
                            },
                        },
                    },
                },
                "database": {
                    "type": "object",
                    "properties": {
                        "client": {"enum": ["pg", "better-sqlite3", "sqlite3"]},
                        "connection": {
                            "oneOf": [
                                _NON_EMPTY,
                                {
                                    "type": "object",
                                    "properties": {
                                        "host": _STRING,
                                        "port": {"type": ["integer", "string"]},
                                        "user": _STRING,
                                        "password": _STRING,
                                        "database": _STRING,
                                        "filename": _STRING,
                                    },
                                },
                            ]
                        },
                    },
                    "required": ["client"],
                },
            },
        },
        "catalog": {
            "type": "object",
            "properties": {
                "maxEntityBytes": {"type": "integer", "minimum": 1},
                "maxRelationsPerEntity": {"type": "integer", "minimum": 1},
                "registrationTimeout": {"type": "number", "exclusiveMinimum": 0},
                "rules": {"type": "array", "items": _RULE},
                "providers": {
                    "type": "object",
                    "properties": {
                        "githubOrg": {"oneOf": [_GITHUB_ORG_PROVIDER,
                                                {"type": "array", "items": _GITHUB_ORG_PROVIDER}]},
                        "github": {"oneOf": [
                            _GITHUB_DISCOVERY_PROVIDER,
                            {"type": "object", "not": {"required": ["organization"]},
                             "additionalProperties": _GITHUB_DISCOVERY_PROVIDER},
                        ]},
                    },
                },
                "locations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "type": _NON_EMPTY,
                            "target": _NON_EMPTY,
                            "rules": {"type": "array", "items": _RULE},
                        },
                        "required": ["type", "target"],
                    },
                },
            },
        },
        "integrations": {
            "type": "object",
            "properties": {
                "github": _integrations("apiBaseUrl", "rawBaseUrl",
                                        apps={"type": "array", "items": _GITHUB_APP}),
                "gitlab": _integrations("apiBaseUrl", "baseUrl"),
            },
        },
        "argocd": {
            "type": "object",
            "properties": {
                "appLocatorMethods": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"instances": {"type": "array", "items": _ARGOCD_INSTANCE}},
                    },
                }
            },
        },
        "scaffolder": {
            "type": "object",
            "properties": {
                "lenientInputs": {"type": "boolean"},
                "taskStaleTimeout": _DURATION,
                "defaultEnvironment": {
                    "type": "object",
                    "properties": {
                        "parameters": {"type": "object"},
                        "secrets": {"type": "object", "additionalProperties": _STRING},
                    },
                },
                "git": {"type": "object", "properties": {"localRoot": _NON_EMPTY}},
            },
        },
        "techdocs": {
            "type": "object",
            "properties": {
                "builder": {"enum": ["local", "external"]},
                "generator": {
                    "type": "object",
                    "properties": {
                        "runIn": {"enum": ["local"]},
                        "mkdocs": {
                            "type": "object",
                            "properties": {
                                "omitTechdocsCorePlugin": {"type": "boolean"},
                                "disableExternalFonts": {"type": "boolean"},
                                "dangerouslyAllowAdditionalPlugins": _NAMES,
                                "dangerouslyAllowAdditionalExtensions": _NAMES,
                                "dangerouslyAllowAdditionalKeys": _NAMES,
                            },
                        },
                        "limits": {
                            "type": "object",
                            "properties": {
                                "timeout": {"type": "number", "exclusiveMinimum": 0},
                                "memoryMb": {"type": "integer", "minimum": 64},
                            },
                        },
                    },
                },
                "publisher": {
                    "type": "object",
                    "properties": {
                        "type": {"enum": ["local", "awsS3"]},
                        "local": {
                            "type": "object",
                            "properties": {"publishDirectory": _NON_EMPTY},
                        },
                        "awsS3": {
                            "type": "object",
                            "required": ["bucketName"],
                            "properties": {
                                "bucketName": _NON_EMPTY,
                                "bucketRootPath": _STRING,
                                "region": _STRING,
                                "endpoint": _NON_EMPTY,
                                "s3ForcePathStyle": {"type": "boolean"},
                                "credentials": {
                                    "type": "object",
                                    "properties": {
                                        "accessKeyId": _STRING,
                                        "secretAccessKey": _STRING,
                                    },
                                },
                            },
                        },
                    },
                    "if": {"properties": {"type": {"const": "awsS3"}}, "required": ["type"]},
                    "then": {"required": ["awsS3"]},
                },
            },
        },
        "permission": _PERMISSION,
        "audit": {
            "type": "object",
            "properties": {"retentionDays": {"type": "integer", "minimum": 1}},
        },
        "auth": {
            "type": "object",
            "properties": {
                "environment": _NON_EMPTY,
                "signIn": {
                    "type": "object",
                    "properties": {"usersWithoutEntity": {"enum": ["allow", "refuse"]}},
                },
                "providers": {
                    "type": "object",
                    "properties": {
                        "github": {"type": "object", "additionalProperties": _GITHUB_AUTH_ENV}
                    },
                },
            },
        },
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(
    APP_CONFIG_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


def validate_app_config(config: dict[str, Any]) -> None:
    """Raise ``ConfigError`` for the first problem in ``config``, by dotted key."""
    errors = sorted(_VALIDATOR.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        error = errors[0]
        # A choice of shapes without a description of its own (one provider or many):
        # the closest shape's problem says more than "not valid under any".
        while error.validator == "oneOf" and error.context and "description" not in error.schema:
            error = _closest(error.context)
        raise ConfigError(f"app-config: {_dotted(error.absolute_path)}: {_describe(error)}")


def _closest(choices: list[jsonschema.ValidationError]) -> jsonschema.ValidationError:
    """The problem of the shape the value was meant to have: not a wrong type or a
    ``not`` (those only say it is another shape), and the deepest."""
    telling = [e for e in choices if e.validator not in ("type", "not")] or choices
    return max(telling, key=lambda e: len(e.absolute_path))


def _dotted(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return f"must be one of {allowed}, not {error.instance!r}"
    if error.validator == "pattern" and error.schema is _URL:
        return f"must be an http(s) URL, not {error.instance!r}"
    if error.validator == "oneOf" and "description" in error.schema:
        return f"must be {error.schema['description']}, not {error.instance!r}"
    if error.validator == "format":
        return f"must be a valid {error.validator_value}, not {error.instance!r}"
    if error.validator == "type":
        return f"must be of type {error.validator_value}, not {type(error.instance).__name__}"
    return error.message
