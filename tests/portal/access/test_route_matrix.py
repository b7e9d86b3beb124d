"""Every page and API route, checked from a matrix generated from the URL patterns.

For each route and each method its view accepts: the permission the rule names is
denied by a ``permission.rules`` entry, and the answer must be a refusal (404 for an
object one may not see, 403 otherwise); with the permission, the same request is not
refused. For each route about one object, a user limited to their own objects asks for
someone else's and for one that does not exist: the answers must be the same. A new
route joins the matrix by itself; one without a rule fails ``test_route_rules``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import resolve, reverse

from catalog.models import Entity, Location
from portal.access.checks import read_permission
from portal.access.permissions import permission
from portal.access.routes import RouteRule, route_names, rule_for
from portal.http_methods import accepted_methods
from scaffolder import services as scaffolder
from scaffolder.models import Task, TaskStatus
from techdocs.references import Triplet
from techdocs.storage import docs_storage, file_key
from tests.catalog.conftest import files, register
from tests.support.teams import TEAMS

pytestmark = pytest.mark.django_db

CATALOG = TEAMS + "".join(f"""---
apiVersion: backstage.io/v1alpha1
kind: API
metadata: {{name: {name}}}
spec: {{type: openapi, lifecycle: production, owner: {owner}, definition: "openapi: 3.0.0"}}
---
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {{name: {name}}}
spec:
  owner: {owner}
  type: service
  parameters: [{{title: About, properties: {{name: {{type: string}}}}}}]
  steps: [{{id: log, action: debug:log, input: {{message: hi}}}}]
""" for name, owner in (("mine", "team-a"), ("theirs", "team-b")))

#: Everyone's components, docs and templates are invisible but to their owners (a
#: member sees only their own template runs by role).
ONLY_OWN = {"rules": [
    {"permission": name, "decision": "deny", "when": {"kind": [kind], "ownedByMe": False}}
    for name, kind in (("catalog.entity.read", "component"), ("catalog.entity.read", "api"),
                       ("techdocs.read", "component"), ("scaffolder.template.read", "template"))
]}  # fmt: skip
#: A role that grants every permission, so each case denies exactly one.
EVERYTHING = {"defaultRole": "platform-admin"}
#: Routes that answer 404 to every object (a docs site's directory is not a file).
NOTHING_THERE = {"techdocs:files_root"}


@dataclass(frozen=True)
class Case:
    route: str
    pattern: str
    method: str
    rule: RouteRule

    @property
    def needs(self) -> str:
        return self.rule.permission_for(self.method)

    @property
    def about(self) -> str:
        """The kind of object the route is about ("" for none)."""
        return permission(self.rule.permission).resource if self.rule.resource else ""

    def __str__(self) -> str:
        return f"{self.method} {self.route}"


@dataclass
class World:
    """The objects the URLs name: ``mine`` is the user's, ``theirs`` someone else's."""

    tasks: dict[str, str]
    uids: dict[str, str]
    location: str

    def kwargs(self, case: Case, whose: str) -> dict[str, str]:
        """URL arguments naming ``whose`` object (``nobody``: one that does not exist)."""
        found = {"namespace": "default", "kind": _kind(case), "name": whose,
                 "tab": "dependencies", "path": "index.html", "page": "index.html",
                 "run": "1", "rest": "nothing",
                 "location_id": self.location,
                 "task_id": self.tasks.get(whose, str(uuid.uuid4())),
                 "uid": self.uids.get(whose, str(uuid.uuid4()))}  # fmt: skip
        return {key: value for key, value in found.items() if f":{key}>" in case.pattern
                or f"<{key}>" in case.pattern}  # fmt: skip

    def url(self, case: Case, whose: str = "mine") -> str:
        return reverse(case.route, kwargs=self.kwargs(case, whose))


def _kind(case: Case) -> str:
    """The kind of entity the route's URL names."""
    if case.about == "template":
        return "template"
    return "api" if case.route == "catalog:entity_definition" else "component"


def cases() -> list[Case]:
    """Every (route, method) a signed-in user can reach, beyond Django's admin (which
    checks its own staff and model permissions)."""
    found = []
    for name, pattern in route_names():
        rule = rule_for(name)
        if name.startswith("admin:") or rule is None or rule.public:
            continue
        methods = sorted(_methods(name, pattern) - {"HEAD"})
        found += [Case(name, pattern, method, rule) for method in methods]
    return found


def _methods(name: str, pattern: str) -> frozenset[str]:
    sample = World({}, {}, str(uuid.uuid4()))
    view = resolve(sample.url(Case(name, pattern, "GET", rule_for(name) or RouteRule())))
    methods = accepted_methods(view.func)
    assert methods, f"the view of {name} does not say which methods it accepts"
    return methods


@pytest.fixture
def world(signed_in, user, files, django_user_model, monkeypatch, settings, tmp_path) -> World:
    from scaffolder import tasks

    monkeypatch.setattr(tasks, "queue_task", lambda task_id: True)
    settings.APP_CONFIG = {**settings.APP_CONFIG, "techdocs": {"publisher": {
        "type": "local", "local": {"publishDirectory": str(tmp_path / "docs")}}}}  # fmt: skip
    location = register(files.write("catalog.yaml", CATALOG))
    for name in ("mine", "theirs"):  # a published file of each docs site
        key = file_key(Triplet.of("default", "component", name), "index.html")
        docs_storage().save(key, ContentFile(b"<h1>Docs</h1>"))
    other = django_user_model.objects.create_user("other")
    started = {whose: scaffolder.create_task("template:default/mine", {}, {},
                                             scaffolder.Caller.for_user(who))
               for whose, who in (("mine", user), ("theirs", other))}  # fmt: skip
    # finished, so that following their events answers at once instead of long-polling
    Task.objects.update(status=TaskStatus.COMPLETED)
    uids = {name: Entity.objects.get(ref=f"component:default/{name}").uid
            for name in ("mine", "theirs")}  # fmt: skip
    assert Location.objects.filter(pk=location.pk).exists()
    return World({k: str(t.pk) for k, t in started.items()}, uids, str(location.pk))


def ask(client: Client, method: str, url: str) -> int:
    return getattr(client, method.lower())(url, content_type="application/json").status_code


CASES = cases()
__all__ = ["files"]  # the catalog's fixture, used here


def test_the_matrix_covers_every_app() -> None:
    apps = {case.route.partition(":")[0] for case in CASES}
    assert {"catalog", "catalog_api", "scaffolder", "scaffolder-api", "techdocs",
            "access", "search_api_query"} <= apps  # fmt: skip
    assert len(CASES) >= 70


@pytest.mark.parametrize("case", [c for c in CASES if c.needs], ids=str)
def test_a_denied_permission_refuses_the_route(case: Case, world: World, signed_in,
                                               settings) -> None:  # fmt: skip
    url = world.url(case)
    deny = {"permission": case.needs, "decision": "deny"}
    settings.APP_CONFIG = {**settings.APP_CONFIG, "permission": {**EVERYTHING, "rules": [deny]}}
    hides = case.about and case.needs == read_permission(case.about)
    assert ask(signed_in, case.method, url) == (404 if hides else 403)
    settings.APP_CONFIG = {**settings.APP_CONFIG, "permission": EVERYTHING}
    allowed = ask(signed_in, case.method, url)
    assert allowed != 403
    assert allowed != 404 or not hides or case.route in NOTHING_THERE


@pytest.mark.parametrize("case", [c for c in CASES if c.about], ids=str)
def test_an_object_one_may_not_see_is_as_absent(case: Case, world: World, signed_in,
                                                settings) -> None:  # fmt: skip
    settings.APP_CONFIG = {**settings.APP_CONFIG, "permission": ONLY_OWN}
    hidden = ask(signed_in, case.method, world.url(case, "theirs"))
    assert hidden == ask(signed_in, case.method, world.url(case, "nobody"))
    # 404, or the 204 Backstage gives a DELETE of an unknown uid (and nothing is deleted)
    assert hidden == (204 if case.route == "catalog_api:entity_by_uid" and
                      case.method == "DELETE" else 404)  # fmt: skip
    assert Entity.objects.filter(uid=world.uids["theirs"]).exists()
    own = ask(signed_in, case.method, world.url(case, "mine"))
    assert own != 403 and (own != 404 or case.route in NOTHING_THERE)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_no_route_answers_without_sign_in(case: Case) -> None:
    nothing = World({}, {}, str(uuid.uuid4()))  # refused before anything is looked up
    answer = getattr(Client(), case.method.lower())(nothing.url(case, "nobody"))
    assert answer.status_code in (302, 401), answer.status_code
