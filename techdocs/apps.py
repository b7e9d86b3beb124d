"""TechDocs: build, publish, serve and index documentation sites."""

from django.apps import AppConfig


class TechdocsConfig(AppConfig):
    name = "techdocs"
    verbose_name = "TechDocs"

    def ready(self) -> None:
        from portal.plugins import NavItem, register_nav_item

        register_nav_item(NavItem("docs", "Docs", "techdocs:index", icon="docs", weight=300))
