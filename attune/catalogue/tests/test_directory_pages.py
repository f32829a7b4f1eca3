"""The directory's pages: browse and filter, compare, edit with history, self-assessments,
training, and the seeded content in the database."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from attune.audit.models import AuditEvent
from attune.catalogue import schema, services
from attune.catalogue.models import Intervention, InterventionVersion, SelfAssessment
from attune.catalogue.tests.factories import ensure_seeded_entries, entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeded() -> None:
    ensure_seeded_entries()


def _slugs(response) -> list[str]:  # type: ignore[no-untyped-def]
    """The entries a directory page lists, in order (Jinja2 pages expose no test context)."""
    html = response.content.decode()
    return re.findall(r'data-testid="entry-([a-z0-9-]+)"', html) or re.findall(
        r'<th scope="col" class="nhsuk-table__header"><a href="/directory/([a-z0-9-]+)/"', html
    )


def test_every_seeded_entry_is_in_the_database_and_valid() -> None:
    stored = list(Intervention.objects.all())
    assert len(stored) == len(schema.load_entries())
    assert not schema.validate_all([e.data for e in stored])
    for stored_entry in stored:
        assert stored_entry.evidence_rank == schema.evidence_rank(stored_entry.data)
        assert stored_entry.versions.count() >= 1


def test_filtering_by_pregnancy_age_format_and_evidence(world, client_for) -> None:
    client = client_for("referrer")  # anyone signed in may browse
    url = reverse("catalogue:directory")
    pregnancy = _slugs(client.get(url, {"pregnancy": "on"}))
    assert "peep-antenatal" in pregnancy and "vipp-sd" not in pregnancy
    three_months = _slugs(client.get(url, {"baby_months": "3"}))
    assert "infant-parent-psychotherapy" in three_months and "vipp-sd" not in three_months
    groups = _slugs(client.get(url, {"formats": "group"}))
    assert "epec-my-baby-and-us" in groups and "emdr" not in groups
    strong = _slugs(client.get(url, {"evidence": "3"}))
    assert "infant-parent-psychotherapy" in strong and "watch-wait-and-wonder" not in strong
    assert _slugs(client.get(url, {"q": "massage"})) == ["infant-massage"]
    tools = _slugs(client.get(url, {"kind": "assessment_tool"}))
    assert "kips" in tools and "infant-massage" not in tools


def test_an_impossible_age_is_refused_beside_the_field(world, client_for) -> None:
    response = client_for("practitioner").get(reverse("catalogue:directory"), {"baby_months": "-4"})
    assert "Enter an age from 0 to 72 months" in response.content.decode()


def test_strongest_evidence_comes_first(world, client_for) -> None:
    listed = _slugs(client_for("practitioner").get(reverse("catalogue:directory")))
    ranks = [Intervention.objects.get(slug=slug).evidence_rank for slug in listed]
    assert len(listed) == Intervention.objects.count()
    assert ranks == sorted(ranks, reverse=True)


def test_compare_three_side_by_side_with_a_shareable_address(world, client_for) -> None:
    chosen = ["parent-infant-psychotherapy", "infant-parent-psychotherapy", "vipp-sd"]
    url = reverse("catalogue:compare") + "?" + urlencode([("e", s) for s in chosen])
    response = client_for("commissioner").get(url)
    assert _slugs(response) == chosen
    shared = re.search(r'data-testid="share-url">([^<]+)<', response.content.decode())
    assert shared and shared.group(1).replace("&amp;", "&").endswith(url)


def test_compare_keeps_the_first_four(world, client_for) -> None:
    chosen = [e.slug for e in Intervention.objects.order_by("name")[:5]]
    url = reverse("catalogue:compare") + "?" + urlencode([("e", s) for s in chosen])
    response = client_for("practitioner").get(url)
    assert _slugs(response) == chosen[:4]
    assert "Four at a time" in response.content.decode()


def test_the_directory_pages_query_count_does_not_grow(
    world, client_for, django_assert_max_num_queries
) -> None:
    client = client_for("practitioner")
    with django_assert_max_num_queries(12):
        client.get(reverse("catalogue:directory"))
    with django_assert_max_num_queries(12):
        client.get(reverse("catalogue:compare") + "?e=vipp-sd&e=emdr&e=cbt&e=kips")


def _edit(client, slug: str, data: dict, version: int, note: str = "Corrected the summary"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("catalogue:entry_edit", args=[slug]),
        {"entry_json": json.dumps(data), "note": note, "version": version},
    )


def test_a_system_administrator_edits_an_entry_and_the_old_version_is_kept(
    world, client_for
) -> None:
    pip = entry("parent-infant-psychotherapy")
    changed = {**pip.data, "summary": "A clearer summary, written by the editor."}
    response = _edit(client_for("system_admin"), pip.slug, changed, pip.version)
    assert response.status_code == 302
    pip.refresh_from_db()
    assert pip.version == 2 and pip.data["summary"].startswith("A clearer summary")
    assert InterventionVersion.objects.filter(intervention=pip).count() == 2
    event = AuditEvent.objects.get(action="catalogue.entry_changed")
    assert event.details["fields"] == ["summary"]
    history = client_for("practitioner").get(reverse("catalogue:entry_history", args=[pip.slug]))
    assert "Corrected the summary" in history.content.decode()


def test_an_invalid_or_stale_edit_saves_nothing(world, client_for) -> None:
    pip = entry("parent-infant-psychotherapy")
    client = client_for("system_admin")
    broken = {**pip.data, "ratings": [{"scheme": "eif_cost", "value": "9", "source": "x"}]}
    refused = _edit(client, pip.slug, broken, pip.version)
    assert refused.status_code == 400 and "eif_cost" in refused.content.decode()
    not_json = client.post(
        reverse("catalogue:entry_edit", args=[pip.slug]),
        {"entry_json": "{nope", "note": "x", "version": pip.version},
    )
    assert "not valid JSON" in not_json.content.decode()
    stale = _edit(client, pip.slug, {**pip.data, "summary": "Late edit."}, pip.version - 1)
    assert stale.status_code == 409
    pip.refresh_from_db()
    assert pip.version == 1


def test_only_system_administrators_edit(world, client_for) -> None:
    pip = entry("parent-infant-psychotherapy")
    response = _edit(client_for("manager"), pip.slug, pip.data, pip.version)
    assert response.status_code == 403


def _assessment_form(world, **overrides) -> dict:  # type: ignore[no-untyped-def]
    form = {code: "4" for code in services.INDICATORS}
    form.update(
        need="5",
        fit="2",
        need_notes="Many referrals for babies under one",
        assessors=[str(world.users["manager"].pk), str(world.users["practitioner"].pk)],
        decision="adapt",
        completed_on=timezone.localdate().isoformat(),
    )
    form.update(overrides)
    return form


def test_a_team_completes_a_self_assessment_and_keeps_its_history(world, client_for) -> None:
    pip = entry("parent-infant-psychotherapy")
    url = reverse("catalogue:assessment_new", args=[pip.slug])
    client = client_for("manager")
    page = client.get(url).content.decode()
    assert "Questions to discuss" in page
    assert client.post(url, _assessment_form(world)).status_code == 302
    assert client.post(url, _assessment_form(world, fit="4")).status_code == 302
    saved = SelfAssessment.objects.filter(team=world.team, intervention=pip)
    assert saved.count() == 2 and {a.fit for a in saved} == {2, 4}
    first = saved.order_by("id").first()
    assert first.need == 5 and first.notes["need"].startswith("Many referrals")
    assert set(first.assessors.all()) == {world.users["manager"], world.users["practitioner"]}
    detail = client.get(reverse("catalogue:assessment", args=[first.pk])).content.decode()
    assert "<svg" in detail and 'data-testid="rating-need"' in detail


def test_a_self_assessment_needs_every_rating(world, client_for) -> None:
    pip = entry("parent-infant-psychotherapy")
    form = _assessment_form(world)
    del form["capacity"]
    response = client_for("manager").post(
        reverse("catalogue:assessment_new", args=[pip.slug]), form
    )
    assert response.status_code == 400 and "from 1 to 5" in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_another_teams_self_assessment_is_not_found(world, client_for) -> None:
    pip = entry("parent-infant-psychotherapy")
    client_for("manager").post(
        reverse("catalogue:assessment_new", args=[pip.slug]), _assessment_form(world)
    )
    mine = SelfAssessment.objects.get()
    other = client_for("other_practitioner").get(reverse("catalogue:assessment", args=[mine.pk]))
    assert other.status_code == 404


def test_training_is_recorded_by_those_who_manage_the_team(world, client_for) -> None:
    pip = entry("parent-infant-psychotherapy")
    form = {
        "user": world.users["practitioner"].pk,
        "intervention": pip.pk,
        "level": "Accredited",
        "trained_on": "2024-01-10",
        "expires_on": "2023-01-10",
    }
    url = reverse("catalogue:training")
    assert client_for("practitioner").post(url, form).status_code == 403
    backwards = client_for("manager").post(url, form)
    assert backwards.status_code == 400 and "after the date trained" in backwards.content.decode()
    assert client_for("manager").post(url, {**form, "expires_on": ""}).status_code == 302
    assert pip.trainings.get().level == "Accredited"


def test_training_outside_the_directory_needs_a_title(world) -> None:
    with pytest.raises(services.CatalogueRefused, match="name the training"):
        services.record_training(
            actor=world.users["manager"],
            team=world.team,
            user=world.users["colleague"],
            intervention=None,
            level="Reliable",
            trained_on=None,
            expires_on=None,
        )
    coder = services.record_training(
        actor=world.users["manager"],
        team=world.team,
        user=world.users["colleague"],
        intervention=None,
        title="CARE-Index reliability",
        level="Reliable coder",
        trained_on=None,
        expires_on=None,
    )
    assert coder.what == "CARE-Index reliability"


def test_a_reminder_is_emailed_once_before_training_expires(
    world, django_capture_on_commit_callbacks
) -> None:
    from datetime import timedelta

    from django.core import mail
    from django.core.management import call_command

    world.users["colleague"].email = "tom@example.org"
    world.users["colleague"].save(update_fields=["email"])
    today = timezone.localdate()
    for days, title in ((30, "Soon"), (200, "Later")):
        services.record_training(
            actor=world.users["manager"],
            team=world.team,
            user=world.users["colleague"],
            intervention=None,
            title=title,
            level="Accredited",
            trained_on=None,
            expires_on=today + timedelta(days=days),
        )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("training_reminders")
    (message,) = mail.outbox
    assert message.to == ["tom@example.org"] and "Soon" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        call_command("training_reminders")
    assert len(mail.outbox) == 1
