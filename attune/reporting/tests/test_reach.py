"""Reach and equity: hand-counted figures on a small fixed scene, the commissioner's
suppression, downloads, uploads of the local figures, and the query count."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attune.audit.models import AuditEvent
from attune.care.codes import Attendance
from attune.care.models import Contact
from attune.care.tests.factories import make_episode
from attune.families.codes import CarerKind, EthnicCategory
from attune.families.services import add_new_person
from attune.referrals.services import CarerEntry, NewPerson
from attune.referrals.tests.factories import make_referral
from attune.reporting import reach
from attune.reporting.models import DeprivationDecile, EthnicityBaseline
from attune.reporting.periods import Period
from attune.reporting.reach_services import (
    BaselineEntry,
    UploadRefused,
    read_deprivation_csv,
    replace_deprivation_deciles,
    replace_ethnicity_baseline,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PERIOD = Period("custom", TODAY - timedelta(days=60), TODAY)
REACH = "reporting_reach:reach"


# The scene -------------------------------------------------------------------------------


def _person(given: str, **fields: Any) -> NewPerson:
    return NewPerson({"given_name": given, "family_name": "Quennell", **fields})


def _carer(given: str, kind: str = CarerKind.BIRTH_MOTHER, **fields: Any) -> CarerEntry:
    fields.setdefault("date_of_birth", date(1992, 3, 4))
    return CarerEntry(_person(given, **fields), kind=kind, has_parental_responsibility=True)


def _baby(ethnic: str) -> NewPerson:
    return _person("Babyname", date_of_birth=TODAY - timedelta(weeks=12), ethnic_category=ethnic)


def _episode(world: Any, team: Any = None, **draft: Any) -> Any:
    return make_episode(
        team=team or world.team,
        manager=world.users["manager"],
        practitioner=world.users["practitioner"],
        **draft,
    )


def _contact(
    episode: Any,
    people: list[Any],
    *,
    days_ago: int = 3,
    attendance: str = Attendance.ATTENDED,
    interpreter: bool = False,
) -> Contact:
    starts = timezone.make_aware(datetime.combine(TODAY - timedelta(days=days_ago), time(10)))
    contact = Contact.objects.create(
        episode=episode,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        location_type="home",
        attendance=attendance,
        interpreter_present=interpreter,
    )
    contact.people_present.set(people)
    return contact


def _people(episode: Any) -> dict[str, Any]:
    """The episode family's people by given name."""
    return {p.given_name: p for p in episode.referral.people_in_scope.all()}


def _scene(world: Any) -> dict[str, Any]:
    """Four families referred in the period (three with episodes), one before it.

    E1 (Pakistani): baby, mother (Urdu, needs an interpreter), father (English) all at an
        attended session with an interpreter; a sibling came too (not counted).
    E2 (White British): baby and mother at an attended session; the father is named but
        came only to a missed one.
    E3 (White British): the mother at an attended session; the baby only before the period.
    R4 (Black African): referred, not yet seen.  R5: referred before the period.
    """
    e1 = _episode(
        world,
        baby=_baby("J"),
        carers=[
            _carer(
                "Mumone",
                ethnic_category="J",
                stated_gender="2",
                first_language="Urdu",
                interpreter_needed=True,
                postcode="sw1a1aa",  # stored as typed: the report normalises it
            ),
            _carer(
                "Dadone",
                CarerKind.BIRTH_FATHER,
                ethnic_category="J",
                stated_gender="1",
                first_language="English",
                postcode="SW1A 1AA",
            ),
        ],
    )
    one = _people(e1)
    sibling = add_new_person(
        actor=world.users["manager"],
        family=e1.family,
        role="sibling",
        given_name="Sibone",
        family_name="Quennell",
        ethnic_category="J",
    )
    _contact(e1, [*one.values(), sibling], interpreter=True)

    e2 = _episode(
        world,
        baby=_baby("A"),
        carers=[
            _carer(
                "Mumtwo",
                ethnic_category="A",
                stated_gender="2",
                first_language="English",
                postcode="LS1 4AP",
            ),
            _carer("Dadtwo", CarerKind.BIRTH_FATHER, postcode="LS1 4AP"),
        ],
    )
    two = _people(e2)
    _contact(e2, [two["Babyname"], two["Mumtwo"]])
    _contact(e2, [two["Dadtwo"]], attendance=Attendance.DID_NOT_ATTEND)

    e3 = _episode(
        world,
        baby=_baby("A"),
        carers=[_carer("Mumthree", ethnic_category="A", first_language=" english ", postcode="")],
    )
    three = _people(e3)
    _contact(e3, [three["Mumthree"]])
    _contact(e3, [three["Babyname"]], days_ago=90)  # before the period

    manager = world.users["manager"]
    make_referral(
        team=world.team,
        submitted_by=manager,
        baby=_baby("N"),
        carers=[_carer("Mumfour", ethnic_category="N")],
    )
    make_referral(
        team=world.team,
        submitted_by=manager,
        received_on=TODAY - timedelta(days=100),
        baby=_baby("M"),
        carers=[_carer("Mumfive", ethnic_category="M")],
    )
    # Another team's family is never counted.
    other = _episode(world, team=world.other_team, baby=_baby("A"))
    _contact(other, list(_people(other).values()))

    replace_ethnicity_baseline(
        actor=manager,
        team=world.team,
        entries=[
            BaselineEntry("A", 60),
            BaselineEntry("J", 10),
            BaselineEntry("N", 25),
            BaselineEntry("B", 3),
            BaselineEntry("", 5),
        ],
        source="Births by ethnic group of the mother",
        year=2024,
        via="form",
    )
    replace_deprivation_deciles(
        actor=manager,
        team=world.team,
        rows=[(2, "SW1A 1AA", "2"), (3, "ls14ap", "9")],
        via="form",
    )
    return {"e1": e1, "e2": e2, "e3": e3}


def _row(ethnicity: reach.Ethnicity, code: str) -> reach.EthnicityRow:
    return next(row for row in ethnicity.rows if row.code == code)


def _lines(breakdown: reach.Breakdown) -> dict[str, int]:
    return {line.label: line.count for line in breakdown.lines}


# Figures ---------------------------------------------------------------------------------


def test_ethnicity_referred_seen_and_baseline_shares(world) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    ethnicity = reach.ethnicity([world.team], PERIOD)
    # Referred: E1 3 (J), E2 baby and mother (A) + father (blank), E3 2 (A), R4 2 (N).
    assert (ethnicity.referred_total, ethnicity.referred_known) == (10, 9)
    assert _row(ethnicity, "J").referred == 3
    assert _row(ethnicity, "A").referred == 4
    assert _row(ethnicity, "N").referred == 2
    assert _row(ethnicity, "M").referred == 0  # referred before the period
    assert _row(ethnicity, "").referred == 1
    assert _row(ethnicity, "A").referred_share == pytest.approx(4 / 9)
    # Seen: E1 baby, mother, father (not the sibling); E2 baby and mother; E3 mother only.
    assert (ethnicity.seen_total, ethnicity.seen_known) == (6, 6)
    assert _row(ethnicity, "J").seen == 3
    assert _row(ethnicity, "A").seen == 3
    assert _row(ethnicity, "N").seen_share == 0
    # Baseline: 98 with a stated group (the 5 not stated are left out of the shares).
    assert (ethnicity.baseline_total, ethnicity.baseline_known) == (103, 98)
    assert _row(ethnicity, "A").baseline_share == pytest.approx(60 / 98)
    assert _row(ethnicity, "").baseline_share is None
    assert ethnicity.baseline_sources == ("Births by ethnic group of the mother (2024)",)
    assert ethnicity.teams_without_baseline == ()


def test_under_representation_rule(world) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    ethnicity = reach.ethnicity([world.team], PERIOD)
    # N: 0% seen against 26% locally.
    assert _row(ethnicity, "N").under_represented
    # A: 3/6 = 50% seen against 0.8 x 60/98 = 49.0%: just above the line, not flagged.
    assert not _row(ethnicity, "A").under_represented
    # B: seen 0, but only 3 in the local figures: too few to compare.
    assert not _row(ethnicity, "B").under_represented
    assert [row.code for row in ethnicity.under_represented] == ["N"]


def test_carer_gender_fathers_languages_interpreters(world) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    gender = _lines(reach.carer_gender([world.team], PERIOD))
    assert gender["Male"] == 1
    assert gender["Female"] == 2
    assert gender["Not recorded"] == 1

    fathers = reach.father_involvement([world.team], PERIOD)
    # E1's father came; E2's father is named but missed his session; E3 names none.
    assert (fathers.episodes, fathers.with_father_or_partner, fathers.father_or_partner_named) == (
        3,
        1,
        2,
    )
    assert fathers.share == pytest.approx(1 / 3)

    languages = reach.languages([world.team], PERIOD)
    assert _lines(languages.breakdown()) == {"English": 3, "Urdu": 1, "Not recorded": 0}
    # For commissioners a language spoken by fewer than 5 carers is not named.
    assert _lines(languages.breakdown(name_at_least=5)) == {
        "Other languages": 4,
        "Not recorded": 0,
    }

    interpreters = reach.interpreters([world.team], PERIOD)
    assert interpreters == reach.Interpreters(
        carers_seen=4, carers_needing_interpreter=1, contacts=3, contacts_with_interpreter=1
    )


def test_deprivation_deciles_and_not_known(world) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    deprivation = reach.deprivation([world.team], PERIOD)
    lines = _lines(deprivation.breakdown)
    # Both E1 carers live at SW1A 1AA (one typed "sw1a1aa"); E2's mother at LS1 4AP; E3's
    # mother has no postcode.
    assert lines["2"] == 2
    assert lines["9"] == 1
    assert lines["Not known"] == 1
    assert sum(lines.values()) == 4
    assert deprivation.has_table and deprivation.teams_without_table == ()


def test_no_data_gives_zeros_without_dividing_by_zero(world) -> None:  # type: ignore[no-untyped-def]
    figures = reach.reach([world.team], PERIOD)
    assert figures.ethnicity.seen_total == 0
    assert all(
        row.seen_share is None and not row.under_represented for row in figures.ethnicity.rows
    )
    assert figures.fathers.share is None
    assert figures.carer_gender.total == 0
    assert figures.deprivation.breakdown.total == 0
    assert not figures.deprivation.has_table
    assert figures.ethnicity.teams_without_baseline == ("North team",)
    assert reach.reach([], PERIOD).ethnicity.rows[0].referred == 0


@pytest.mark.parametrize("persona", ["manager", "commissioner"])
def test_the_page_with_no_data(persona, client_for) -> None:  # type: ignore[no-untyped-def]
    response = client_for(persona).get(reverse(REACH))
    assert response.status_code == 200
    assert "There are no local population figures to compare with yet" in response.content.decode()


# The page --------------------------------------------------------------------------------


def _get(client: Any, **params: Any) -> Any:
    query = {
        "period": "custom",
        "start": PERIOD.start.isoformat(),
        "end": PERIOD.end.isoformat(),
        **params,
    }
    return client.get(reverse(REACH), query)


def test_manager_page_shows_counts_highlights_and_period(world, client_for) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    response = _get(client_for("manager"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Families of Black African background are seen less often" in html
    assert "Families of White British background" not in html
    assert 'class="attune-print-header">North team · Reach and equity · ' + PERIOD.label in html
    assert "<caption" in html and html.count("<caption") == 6
    assert "<svg" in html
    assert "style=" not in html and "<script>" not in html


COUNT_CELL = re.compile(r"<td class=\"[^\"]*\">\s*([0-9][0-9,]*)\s*</td>")


def test_commissioner_page_hides_small_counts_and_names(world, client_for) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    response = _get(client_for("commissioner"))
    assert response.status_code == 200
    html = response.content.decode()
    counts = [int(value.replace(",", "")) for value in COUNT_CELL.findall(html)]
    assert counts, "the scan found no count cells: the pattern is broken"
    assert not [n for n in counts if 1 <= n <= 4]
    assert "not shown" in html
    assert "Quennell" not in html and "Mumone" not in html
    # Rare languages are not named to commissioners.
    assert "Urdu" not in html


def test_commissioner_downloads_are_suppressed_too(world, client_for) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    response = _get(client_for("commissioner"), format="csv", table="gender")
    text = response.content.decode("utf-8-sig")
    assert "not shown" in text
    cells = [cell for line in text.splitlines() for cell in line.split(",")]
    assert not {"1", "2", "3", "4"} & set(cells)


def test_another_teams_id_is_not_found(world, client_for) -> None:  # type: ignore[no-untyped-def]
    response = _get(client_for("manager"), team=str(world.other_team.pk))
    assert response.status_code == 404


def test_practitioner_is_refused(client_for) -> None:  # type: ignore[no-untyped-def]
    assert _get(client_for("practitioner")).status_code == 403


# Downloads -------------------------------------------------------------------------------


def _with_formula_language(world: Any) -> None:
    episode = _episode(
        world,
        baby=_baby("A"),
        carers=[_carer("Mumsix", first_language="=cmd|' /C calc'!A0")],
        submission_key=uuid.uuid4(),
    )
    _contact(episode, list(_people(episode).values()))


def test_csv_download_is_escaped(world, client_for) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    _with_formula_language(world)
    response = _get(client_for("manager"), format="csv", table="languages")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.startswith("First language,People,Share")
    assert "'=Cmd" in text
    assert "\n=" not in text and ",=" not in text
    event = AuditEvent.objects.filter(action="report.downloaded").get()
    assert event.details["table"] == "languages"


def test_xlsx_download_of_every_table(world, client_for) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    _with_formula_language(world)
    response = _get(client_for("manager"), format="xlsx", table="all")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 6
    values = [
        cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
    ]
    assert "Pakistani" not in values  # labels are the NHS category names
    assert "Asian or Asian British – Pakistani" in values
    assert any(isinstance(v, str) and v.startswith("'=Cmd") for v in values)
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_unknown_table_is_not_found(world, client_for) -> None:  # type: ignore[no-untyped-def]
    assert _get(client_for("manager"), format="csv", table="nothing").status_code == 404


# Query count -----------------------------------------------------------------------------


def _more_families(world: Any, how_many: int) -> None:
    for n in range(how_many):
        episode = _episode(
            world,
            baby=_baby("H"),
            carers=[
                _carer(f"Mum{n}", ethnic_category="H", first_language=f"Language {n}"),
                _carer(f"Dad{n}", CarerKind.PARTNER, postcode="SW1A 1AA"),
            ],
        )
        _contact(episode, list(_people(episode).values()), interpreter=n % 2 == 0)


@pytest.mark.parametrize("persona", ["manager", "commissioner"])
def test_query_count_does_not_grow_with_families(
    world, client_for, django_assert_max_num_queries, persona
) -> None:  # type: ignore[no-untyped-def]
    _scene(world)
    client = client_for(persona)
    _get(client)  # warm the session
    with django_assert_max_num_queries(25) as small:
        assert _get(client).status_code == 200
    _more_families(world, 12)
    with django_assert_max_num_queries(25) as large:
        assert _get(client).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


# The local figures -----------------------------------------------------------------------

BASELINE = "reporting_reach:baseline"
DEPRIVATION = "reporting_reach:deprivation"


def _csv(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _upload_baseline(client: Any, text: str) -> Any:
    return client.post(
        reverse(BASELINE),
        {
            "action": "upload",
            "upload-source": "Local births",
            "upload-year": "2024",
            "upload-file": _csv("births.csv", text),
        },
    )


def test_baseline_upload_replaces_the_rows(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("manager")
    response = _upload_baseline(
        client, "\ufeffEthnic_Category,Count\nA,120\nAsian or Asian British – Pakistani,30\n,4\n"
    )
    assert response.status_code == 302
    rows = dict(
        EthnicityBaseline.objects.filter(team=world.team).values_list("ethnic_category", "count")
    )
    assert rows == {"A": 120, "J": 30, "": 4}
    event = AuditEvent.objects.get(action="ethnicity_baseline.replaced")
    assert event.details == {"rows": 3, "people": 154, "year": 2024, "via": "upload"}
    assert "Local births" not in str(event.details)
    page = client.get(reverse(BASELINE)).content.decode()
    assert "Local births (2024)" in page or "Local births" in page


def test_baseline_upload_with_a_bad_row_saves_nothing(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("manager")
    _upload_baseline(client, "ethnic_category,count\nA,10\n")
    response = _upload_baseline(client, "ethnic_category,count\nA,50\nQ,5\nJ,lots\nA,2\n")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 3" in html and "Row 4" in html and "Row 5" in html
    # The earlier figures are still there, untouched.
    assert list(
        EthnicityBaseline.objects.filter(team=world.team).values_list("ethnic_category", "count")
    ) == [("A", 10)]


def test_baseline_typed_in(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("administrator")
    response = client.post(
        reverse(BASELINE),
        {"action": "type", "source": "ONS births", "year": "", "count_A": "40", "count_N": "0"},
    )
    assert response.status_code == 302
    assert EthnicityBaseline.objects.filter(team=world.team).count() == 2
    empty = client.post(reverse(BASELINE), {"action": "type", "source": "ONS births"})
    assert empty.status_code == 400
    assert "at least one group" in empty.content.decode()


def test_baseline_service_refuses_without_a_source(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UploadRefused):
        replace_ethnicity_baseline(
            actor=world.users["manager"],
            team=world.team,
            entries=[BaselineEntry(EthnicCategory.WHITE_BRITISH, 1)],
            source="  ",
            year=None,
            via="form",
        )


def _upload_deciles(client: Any, content: bytes, name: str = "deciles.csv") -> Any:
    return client.post(
        reverse(DEPRIVATION), {"file": SimpleUploadedFile(name, content, "text/csv")}
    )


def test_deprivation_upload_normalises_postcodes(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("manager")
    response = _upload_deciles(client, b"lsoa,Postcode,Decile\nx,sw1a1aa,3\ny, ls1  4ap ,10\n")
    assert response.status_code == 302
    assert dict(
        DeprivationDecile.objects.filter(team=world.team).values_list("postcode", "decile")
    ) == {"SW1A 1AA": 3, "LS1 4AP": 10}
    assert AuditEvent.objects.get(action="deprivation_table.replaced").details == {
        "postcodes": 2,
        "via": "upload",
    }


def test_deprivation_upload_with_bad_rows_saves_nothing(world, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for("manager")
    _upload_deciles(client, b"postcode,decile\nSW1A 1AA,3\n")
    response = _upload_deciles(
        client, b"postcode,decile\nLS1 4AP,2\nnot a postcode,4\nM1 1AE,11\nls14ap,5\n"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 3" in html and "Row 4" in html and "Row 5" in html
    assert list(
        DeprivationDecile.objects.filter(team=world.team).values_list("postcode", flat=True)
    ) == ["SW1A 1AA"]


def test_deprivation_upload_too_large(world, client_for) -> None:  # type: ignore[no-untyped-def]
    content = b"postcode,decile\n" + b"SW1A 1AA,3\n" * 600_000
    response = _upload_deciles(client_for("manager"), content)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not DeprivationDecile.objects.exists()


def test_deprivation_rows_across_batches(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from attune.reporting import reach_services

    monkeypatch.setattr(reach_services, "BATCH_SIZE", 2)
    rows = [(2, "SW1A 1AA", "1"), (3, "LS1 4AP", "2"), (4, "M1 1AE", "3"), (5, "sw1a 1aa", "4")]
    with pytest.raises(UploadRefused) as refused:
        replace_deprivation_deciles(actor=None, team=world.team, rows=rows, via="command")
    assert refused.value.messages == ["Row 5: SW1A 1AA is already in the file."]
    assert not DeprivationDecile.objects.exists()
    saved = replace_deprivation_deciles(actor=None, team=world.team, rows=rows[:3], via="command")
    assert saved == 3


def test_import_deprivation_command(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "national.csv"
    good.write_text("postcode,decile\nSW1A 1AA,3\nLS1 4AP,7\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_deprivation", str(world.team.pk), str(good), stdout=out)
    assert "2 postcodes loaded" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,decile\nSW1A 1AA,3\nnope,7\n", encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_deprivation", str(world.team.pk), str(bad), stderr=errors)
    assert "Row 3" in errors.getvalue()
    assert DeprivationDecile.objects.filter(team=world.team).count() == 2
    with pytest.raises(CommandError):
        call_command("import_deprivation", "999999", str(good))


def test_reading_a_file_without_the_columns() -> None:
    with pytest.raises(UploadRefused) as refused:
        list(read_deprivation_csv(io.StringIO("pc,imd\nSW1A 1AA,3\n")))
    assert "postcode" in refused.value.messages[0]


@pytest.mark.parametrize("persona", ["practitioner", "supervisor", "commissioner"])
def test_only_managers_and_administrators_change_the_local_figures(persona, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(persona)
    assert _upload_baseline(client, "ethnic_category,count\nA,1\n").status_code == 403
    assert _upload_deciles(client, b"postcode,decile\nSW1A 1AA,3\n").status_code == 403
    assert not EthnicityBaseline.objects.exists()
    assert not DeprivationDecile.objects.exists()
