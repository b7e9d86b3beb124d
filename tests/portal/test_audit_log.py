"""The audit log itself: append-only, kept for the retention period, filterable in
the admin, exported as JSON lines that import back to the same events; tokens and
admin edits are recorded."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal import audit
from portal.audit.models import AuditLogIsAppendOnly
from portal.jobs import run_now
from portal.models import ApiToken, AuditEvent, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, admin_user):
    client.force_login(admin_user)
    return client


def some_events() -> None:
    with audit.acting("ops", "cli"):
        audit.record("catalog.location.register", "url:https://x.example/a.yaml", source="cli")
        audit.record("scaffolder.task.run", "3f1c", template="template:default/svc")
        audit.record("techdocs.site.rebuild", "component:default/ünïcode")


def test_events_cannot_be_changed_or_deleted() -> None:
    some_events()
    event = AuditEvent.objects.first()
    event.actor = "someone-else"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.update(actor="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(actor="ops").count() == 3


def test_the_retention_job_removes_only_what_is_older_than_the_period(settings) -> None:
    settings.APP_CONFIG = {**settings.APP_CONFIG, "audit": {"retentionDays": 30}}
    some_events()
    old = AuditEvent(actor="ops", via="cli", action="catalog.location.register", target="old",
                     at=timezone.now() - timedelta(days=31))  # fmt: skip
    old.save()
    job = run_now("portal.prune_audit")
    assert job.status == JobStatus.COMPLETED and job.result["deleted"] == 1
    assert not AuditEvent.objects.filter(target="old").exists()
    assert AuditEvent.objects.count() == 3


def test_the_export_imports_back_to_the_same_events(tmp_path) -> None:
    some_events()
    first = tmp_path / "audit.jsonl"
    call_command("audit", "export", "-o", str(first))
    lines = first.read_text().splitlines()
    assert len(lines) == 3 and '"actor": "ops"' in lines[0] and "ünïcode" in lines[2]
    AuditEvent.objects.all().expire()
    out = io.StringIO()
    call_command("audit", "import", str(first), stdout=out)
    assert "Imported 3 events (0 already present)" in out.getvalue()
    second = tmp_path / "again.jsonl"
    call_command("audit", "export", "-o", str(second))
    assert second.read_text() == first.read_text()
    call_command("audit", "import", str(first), stdout=out)
    assert "Imported 0 events (3 already present)" in out.getvalue()
    audit.record("portal.token.create", "after-import")  # ids continue past the import
    assert AuditEvent.objects.count() == 4


def test_a_damaged_export_imports_nothing(tmp_path) -> None:
    some_events()
    path = tmp_path / "audit.jsonl"
    call_command("audit", "export", "-o", str(path))
    AuditEvent.objects.all().expire()
    path.write_text(path.read_text() + '{"id": "x"}\n')
    with pytest.raises(CommandError, match="line 4 is not an exported audit event"):
        call_command("audit", "import", str(path))
    assert not AuditEvent.objects.exists()


def test_the_admin_page_filters_and_exports_what_it_shows(admin) -> None:
    some_events()
    page = admin.get("/admin/portal/auditevent/", {"action": "scaffolder.task.run"})
    text = page.content.decode()
    assert page.status_code == 200 and "3f1c" in text and "x.example" not in text
    assert "/admin/portal/auditevent/export.jsonl?action=scaffolder.task.run" in text
    export = admin.get("/admin/portal/auditevent/export.jsonl", {"action": "scaffolder.task.run"})
    body = b"".join(export.streaming_content).decode().splitlines()
    assert len(body) == 1 and '"target": "3f1c"' in body[0]
    event = AuditEvent.objects.get(target="3f1c")
    assert admin.post(f"/admin/portal/auditevent/{event.pk}/delete/").status_code == 403
    assert admin.get("/admin/portal/auditevent/add/").status_code == 403
    assert AuditEvent.objects.filter(target="3f1c").exists()


def test_the_export_is_for_those_who_may_read_the_log(client, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_user("helper", is_staff=True))
    assert client.get("/admin/portal/auditevent/export.jsonl").status_code == 403


def test_tokens_and_admin_edits_are_recorded(admin, admin_user, django_user_model) -> None:
    holder = django_user_model.objects.create_user("robot")
    admin.post("/admin/portal/apitoken/add/", {"name": "deploy-bot", "user": holder.pk})
    token = ApiToken.objects.get(name="deploy-bot")
    admin.post("/admin/portal/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    admin.post(f"/admin/auth/user/{holder.pk}/change/", {
        "username": "robot", "first_name": "Robo", "last_name": "", "email": "",
        "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "00:00:00"})
    recorded = list(AuditEvent.objects.order_by("id").values_list("action", "target", "actor",
                                                                   "via"))  # fmt: skip
    assert ("portal.token.create", "deploy-bot", admin_user.username, "admin") in recorded
    assert ("portal.token.revoke", "deploy-bot", admin_user.username, "admin") in recorded
    assert ("admin.change", f"auth.user:{holder.pk}", admin_user.username, "admin") in recorded
    change = AuditEvent.objects.get(action="admin.change", target=f"auth.user:{holder.pk}")
    assert change.details["change"] == "changed" and "First name" in change.details["message"]
