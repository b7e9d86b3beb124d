"""The software catalog: entities, locations, relations and their pages."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self) -> None:
        from catalog import access_rules, home, search
        from catalog.jobs import RefreshLocationJob
        from portal.jobs import register_runner
        from portal.plugins import (
            HomeCard,
            NavItem,
            SearchCollator,
            register_home_card,
            register_nav_item,
            register_search_collator,
            register_search_filter,
        )

        register_runner(RefreshLocationJob)

        register_nav_item(
            NavItem("catalog", "Catalog", "catalog:index", icon="catalog", weight=100)
        )
        register_nav_item(NavItem("apis", "APIs", "catalog:apis", icon="api", weight=200))
        register_search_collator(SearchCollator(search.TYPE, "Catalog", search.collect, weight=100))
        register_search_filter("catalog-visibility", search.visible_documents)
        for card in (
            HomeCard("catalog-health", "Catalog at a glance", "catalog/home/health.html",
                     weight=100, get_context=home.health_context),
            HomeCard("catalog-starred", "Starred", "catalog/home/starred.html",
                     weight=200, get_context=home.starred_context),
            HomeCard("catalog-recent", "Recently visited", "catalog/home/recent.html",
                     weight=300, get_context=home.recent_context),
            HomeCard("catalog-team", "My team's entities", "catalog/home/team.html",
                     weight=400, get_context=home.team_context),
        ):  # fmt: skip
            register_home_card(card)
        access_rules.register()
