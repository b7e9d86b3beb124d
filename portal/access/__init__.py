"""Who may do what: permissions, built-in roles, role assignments to users and groups,
rules from app-config, and the one decision function pages and APIs ask."""
