"""The software catalog: entities, locations, relations and their pages."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from catalog.jobs import RefreshLocationJob
        from portal.jobs import register_runner
        from portal.plugins import NavItem, register_nav_item

        register_runner(RefreshLocationJob)

        register_nav_item(
            NavItem("catalog", "Catalog", "catalog:index", icon="catalog", weight=100)
        )
        register_nav_item(NavItem("apis", "APIs", "catalog:apis", icon="api", weight=200))
