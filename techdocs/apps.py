"""TechDocs: build, publish, serve and index documentation sites."""

from django.apps import AppConfig


class TechdocsConfig(AppConfig):
    name = "techdocs"
    verbose_name = "TechDocs"

    def ready(self) -> None:
        from portal.jobs import register_runner
        from portal.plugins import (
            EntityContent,
            NavItem,
            SearchCollator,
            register_entity_tab,
            register_nav_item,
            register_search_collator,
        )
        from techdocs import access_rules, search
        from techdocs.builds import BuildSiteJob, ImportSiteJob
        from techdocs.reader_views import tab_context
        from techdocs.references import has_docs

        register_runner(BuildSiteJob)
        register_runner(ImportSiteJob)
        register_nav_item(NavItem("docs", "Docs", "techdocs:index", icon="docs", weight=300))
        register_entity_tab(EntityContent("docs", "Docs", "techdocs/entity_tab.html", weight=100,
                                          applies_to=has_docs, get_context=tab_context))
        register_search_collator(SearchCollator(search.TYPE, "Docs", search.collect, weight=200))
        access_rules.register()
