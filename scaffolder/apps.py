"""The scaffolder: golden-path templates, their forms and the tasks that run them."""

from django.apps import AppConfig


class ScaffolderConfig(AppConfig):
    name = "scaffolder"
    verbose_name = "Scaffolder"

    def ready(self) -> None:
        from portal.plugins import NavItem, register_nav_item
        from scaffolder import access_rules
        from scaffolder.entity_cards import register_cards

        register_nav_item(
            NavItem("create", "Create", "scaffolder:index", icon="create", weight=400)
        )
        register_cards()
        access_rules.register()
