"""The portal app: the shell, auth, jobs, search and the plugin registry."""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from portal import access_rules
        from portal.audit import admin_changes
        from portal.audit.retention import PruneAuditJob
        from portal.housekeeping import PruneJobsJob
        from portal.jobs import register_runner
        from portal.navigation import register_core_navigation
        from portal.search.jobs import RebuildSearchJob

        register_runner(PruneJobsJob)
        register_runner(PruneAuditJob)
        admin_changes.connect()
        register_runner(RebuildSearchJob)
        register_core_navigation()
        access_rules.register()
