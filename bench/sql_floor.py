"""The database's floor for the commissioner report: the same figures in hand-written SQL.

``attune.reporting.selectors.team_report`` builds the report with the ORM, several dozen
queries. This module computes every figure a commissioner sees there (everything but the
caseload by named practitioner and the free text, which the commissioner page drops) in
six statements written by hand, one per section, each returning one JSON value. The
benchmark times them (``python -m bench.sql_floor``) against the national dataset and
compares the report page with that time: what the page costs on top of the database's own
work. ``tests/test_bench_sql_floor.py`` checks that the figures are equal to the ORM's,
so the floor is honest.

Labels and the few number formats come from the same codes and rules as the report, so
that the figures can be compared cell for cell; suppression is left out, because it is
plain Python on a few dozen numbers.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

# Figures a commissioner never sees (they name staff), so the floor does not compute them.
NOT_FOR_COMMISSIONERS = frozenset({"caseload_by_practitioner"})

# Weeks of the waiting-time bands, as the report draws them.
WAIT_BANDS_WEEKS = (2, 6, 12, 18, 26)


# The statements are put together from the fragments below, which are constants of this
# module: no value from outside is ever formatted into SQL (those are %(name)s parameters).


def nearest_rank(expression: str, fraction: str) -> str:
    """SQL for the report's percentile: the value at rank ceil(fraction x n), nulls left out.

    Exact decimal arithmetic, so a rank such as 0.9 x 10 is 9, never 9.000000000000002."""
    ordered = f"array_agg({expression} ORDER BY {expression})"
    present = f"FILTER (WHERE {expression} IS NOT NULL)"
    return f"({ordered} {present})[ceil({fraction}::numeric * count({expression}))::int]"


def json_rows(select: str, order: str) -> str:
    """SQL for a JSON list of [key, count] pairs from a grouped SELECT of (k, n)."""
    rows = f"json_agg(json_build_array(k, n) ORDER BY {order})"
    return f"(SELECT coalesce({rows}, '[]') FROM ({select}) g)"  # noqa: S608


def json_counts(select: str) -> str:
    """SQL for a JSON object {key: count} from a grouped SELECT of (k, n)."""
    return f"(SELECT coalesce(json_object_agg(k, n), '{{}}') FROM ({select}) g)"  # noqa: S608


def band_counts(expression: str) -> str:
    """SQL for the counts in each waiting-time band (the first band has no lower bound)."""
    days = [7 * weeks for weeks in WAIT_BANDS_WEEKS]
    parts, low = [], None
    for high in days:
        condition = f"{expression} < {high}" + (f" AND {expression} >= {low}" if low else "")
        parts.append(f"count(*) FILTER (WHERE {condition})")
        low = high
    parts.append(f"count(*) FILTER (WHERE {expression} >= {days[-1]})")
    return "json_build_array(" + ", ".join(parts) + ")"


_BY_MONTH = json_rows(
    "SELECT date_trunc('month', received_on)::date AS k, count(*) AS n FROM received GROUP BY 1",
    "k",
)
_BY_ROLE = json_counts("SELECT referrer_role AS k, count(*) AS n FROM received GROUP BY 1")
_BY_ORGANISATION = json_rows(
    "SELECT referrer_organisation AS k, count(*) AS n FROM received GROUP BY 1 "
    "ORDER BY n DESC, k LIMIT 10",
    "n DESC, k",
)
# A referral counts once for each reason it gives (the list may not repeat, but be sure).
_BY_REASON = json_counts(
    "SELECT reason AS k, count(DISTINCT r.id) AS n FROM received r "
    "CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(r.reasons) = "
    "'array' THEN r.reasons ELSE '[]'::jsonb END) AS reason GROUP BY 1"
)
_BY_STRESSOR = json_counts(
    "SELECT s.domain AS k, count(*) AS n FROM referrals_stressoranswer s "
    "JOIN received r ON r.id = s.referral_id WHERE s.status = %(present)s GROUP BY 1"
)
_BY_STATUS = json_counts("SELECT status AS k, count(*) AS n FROM received GROUP BY 1")

REFERRALS = f"""
WITH received AS (
    SELECT r.id, r.received_on, r.referrer_role, r.referrer_organisation, r.reasons, r.status
    FROM referrals_referral r
    WHERE r.team_id = ANY(%(teams)s) AND r.received_on BETWEEN %(start)s AND %(end)s
),
triage_waits AS (
    SELECT min((d.decided_at AT TIME ZONE %(tz)s)::date) - r.received_on AS days
    FROM received r JOIN referrals_triagedecision d ON d.referral_id = r.id
    GROUP BY r.id, r.received_on
)
SELECT json_build_object(
    'by_month', {_BY_MONTH},
    'by_role', {_BY_ROLE},
    'by_organisation', {_BY_ORGANISATION},
    'by_reason', {_BY_REASON},
    'by_stressor', {_BY_STRESSOR},
    'by_status', {_BY_STATUS},
    'triage_median', (SELECT {nearest_rank("days", "0.5")} FROM triage_waits),
    'triage_p90', (SELECT {nearest_rank("days", "0.9")} FROM triage_waits)
)
"""  # noqa: S608

WAITING = f"""
WITH first_contacts AS (
    SELECT min((c.starts_at AT TIME ZONE %(tz)s)::date) - r.received_on AS wait,
           min((c.starts_at AT TIME ZONE %(tz)s)::date) AS day
    FROM care_episode e
    JOIN referrals_referral r ON r.id = e.referral_id
    JOIN care_contact c ON c.episode_id = e.id
    WHERE e.team_id = ANY(%(teams)s) AND c.attendance = %(attended)s
    GROUP BY e.id, r.received_on
),
starts AS (
    SELECT min(s.changed_on) - r.received_on AS wait, min(s.changed_on) AS day
    FROM care_episode e
    JOIN referrals_referral r ON r.id = e.referral_id
    JOIN care_stagechange s ON s.episode_id = e.id
    WHERE e.team_id = ANY(%(teams)s) AND s.stage = %(early)s
    GROUP BY e.id, r.received_on
),
to_contact AS (SELECT wait FROM first_contacts WHERE day BETWEEN %(start)s AND %(end)s),
to_start AS (SELECT wait FROM starts WHERE day BETWEEN %(start)s AND %(end)s)
SELECT json_build_object(
    'waiting_now', (
        SELECT count(*) FROM referrals_referral
        WHERE team_id = ANY(%(teams)s) AND status = %(waiting)s
    ),
    'contact_bands', (SELECT {band_counts("wait")} FROM to_contact),
    'start_bands', (SELECT {band_counts("wait")} FROM to_start),
    'contact_median', (SELECT {nearest_rank("wait", "0.5")} FROM to_contact),
    'contact_p90', (SELECT {nearest_rank("wait", "0.9")} FROM to_contact),
    'start_median', (SELECT {nearest_rank("wait", "0.5")} FROM to_start),
    'start_p90', (SELECT {nearest_rank("wait", "0.9")} FROM to_start),
    'aged_out', (
        SELECT count(*) FROM referrals_referral r
        LEFT JOIN families_agerules rules ON rules.team_id = r.team_id
        WHERE r.team_id = ANY(%(teams)s) AND r.status = %(waiting)s AND EXISTS (
            SELECT 1 FROM referrals_referral_people_in_scope s
            JOIN families_person p ON p.id = s.person_id
            JOIN families_familymember m ON m.person_id = p.id
            WHERE s.referral_id = r.id AND m.role = 'baby'
              AND p.date_of_birth < (
                  %(end)s::date - make_interval(months => coalesce(rules.upper_age_months, 24))
              )::date
        )
    )
)
"""  # noqa: S608

ENGAGEMENT = """
WITH opened AS (
    SELECT e.id FROM care_episode e
    WHERE e.team_id = ANY(%(teams)s) AND e.opened_on BETWEEN %(start)s AND %(end)s
)
SELECT json_build_object(
    'attempts', (
        SELECT avg(n) FROM (
            SELECT count(a.id) AS n FROM opened o
            LEFT JOIN care_engagementattempt a ON a.episode_id = o.id GROUP BY o.id
        ) tries
    ),
    'never_reached', (
        SELECT count(*) FROM care_episode e
        WHERE e.team_id = ANY(%(teams)s) AND e.closed_on BETWEEN %(start)s AND %(end)s
          AND NOT EXISTS (
              SELECT 1 FROM care_contact c
              WHERE c.episode_id = e.id AND c.attendance = %(attended)s
          )
    ),
    'by_kind', (
        SELECT coalesce(json_agg(json_build_array(modality, total, dna, cancelled)
                                 ORDER BY modality), '[]')
        FROM (
            SELECT c.modality, count(*) AS total,
                   count(*) FILTER (WHERE c.attendance = %(dna)s) AS dna,
                   count(*) FILTER (WHERE c.attendance = ANY(%(cancelled)s)) AS cancelled
            FROM care_contact c JOIN care_episode e ON e.id = c.episode_id
            WHERE e.team_id = ANY(%(teams)s) AND c.attendance <> %(planned)s
              AND c.starts_at >= %(start_at)s AND c.starts_at < %(end_before)s
            GROUP BY c.modality
        ) kinds
    )
)
"""

# Contacts attended in the period, for the teams: a condition, not a CTE, so that each use
# reads the table itself rather than a materialised copy of most of it.
_ATTENDED = """
    FROM care_contact c JOIN care_episode e ON e.id = c.episode_id
    WHERE e.team_id = ANY(%(teams)s) AND c.attendance = %(attended)s
      AND c.starts_at >= %(start_at)s AND c.starts_at < %(end_before)s"""
_PLACES = json_counts(f"SELECT c.location_type AS k, count(*) AS n {_ATTENDED} GROUP BY 1")

ACTIVITY = f"""
WITH closed AS (
    SELECT e.id, e.closed_on - e.opened_on AS length FROM care_episode e
    WHERE e.team_id = ANY(%(teams)s) AND e.closed_on BETWEEN %(start)s AND %(end)s
),
present AS (
    SELECT c.id,
           bool_or(k.kind = ANY(%(mothers)s)) AS mother,
           bool_or(k.kind = ANY(%(fathers)s)) AS father,
           bool_or(k.kind = ANY(%(others)s)) AS other
    FROM care_contact_people_present pp
    JOIN care_contact c ON c.id = pp.contact_id
    JOIN care_episode e ON e.id = c.episode_id
    JOIN (SELECT DISTINCT carer_id, kind FROM families_carerelationship) k
      ON k.carer_id = pp.person_id
    WHERE e.team_id = ANY(%(teams)s) AND c.attendance = %(attended)s
      AND c.starts_at >= %(start_at)s AND c.starts_at < %(end_before)s
    GROUP BY c.id
),
sessions AS (
    SELECT s.id FROM groups_groupsession s JOIN groups_group g ON g.id = s.group_id
    WHERE g.team_id = ANY(%(teams)s) AND NOT s.cancelled
      AND s.starts_at >= %(start_at)s AND s.starts_at < %(end_before)s
),
trained AS (
    SELECT t.organisation FROM outreach_trainingattendee t
    JOIN outreach_trainingcourse c ON c.id = t.course_id
    WHERE c.team_id = ANY(%(teams)s) AND t.attended AND c.held_on BETWEEN %(start)s AND %(end)s
)
SELECT json_build_object(
    'opened', (
        SELECT count(*) FROM care_episode
        WHERE team_id = ANY(%(teams)s) AND opened_on BETWEEN %(start)s AND %(end)s
    ),
    'closed', (SELECT count(*) FROM closed),
    'length_median', (SELECT {nearest_rank("length", "0.5")} FROM closed),
    'per_episode', (
        SELECT avg(n) FROM (
            SELECT (
                SELECT count(*) FROM care_contact c
                WHERE c.episode_id = e.id AND c.attendance = %(attended)s
            ) AS n
            FROM closed e
        ) contacts
    ),
    'places', {_PLACES},
    'who', (
        SELECT json_build_object(
            'mother', count(*) FILTER (WHERE mother AND NOT father),
            'father', count(*) FILTER (WHERE father AND NOT mother),
            'both', count(*) FILTER (WHERE mother AND father),
            'other', count(*) FILTER (WHERE other AND NOT mother AND NOT father)
        ) FROM present
    ),
    'group_sessions', (SELECT count(*) FROM sessions),
    'places_taken', (
        SELECT count(*) FROM groups_attendance a JOIN sessions s ON s.id = a.session_id
        WHERE a.present
    ),
    'consultations', (
        SELECT count(*) FROM outreach_consultation
        WHERE team_id = ANY(%(teams)s) AND held_on BETWEEN %(start)s AND %(end)s
    ),
    'courses', (
        SELECT count(*) FROM outreach_trainingcourse
        WHERE team_id = ANY(%(teams)s) AND held_on BETWEEN %(start)s AND %(end)s
    ),
    'trained', (SELECT count(*) FROM trained),
    'organisations', (SELECT count(DISTINCT organisation) FROM trained),
    'outreach', (
        SELECT json_build_array(count(*), coalesce(sum(families_reached), 0))
        FROM outreach_outreachactivity
        WHERE team_id = ANY(%(teams)s) AND held_on BETWEEN %(start)s AND %(end)s
    )
)
"""  # noqa: S608

OUTCOMES = """
WITH closed AS (
    SELECT e.id FROM care_episode e
    WHERE e.team_id = ANY(%(teams)s) AND e.closed_on BETWEEN %(start)s AND %(end)s
),
names AS (
    SELECT DISTINCT ON (code) code, coalesce(definition ->> 'short_name', '') AS short_name
    FROM measures_instrument
    WHERE team_id IS NULL OR team_id = ANY(%(teams)s)
    ORDER BY code, version DESC
)
SELECT json_build_object(
    'intervened', (
        SELECT count(*) FROM closed e WHERE EXISTS (
            SELECT 1 FROM care_stagechange s WHERE s.episode_id = e.id AND s.stage = %(early)s
        )
    ),
    'measures', (
        SELECT coalesce(json_agg(json_build_array(
            coalesce(names.short_name, m.code), pairs, recovered, improved, unchanged, worse,
            outside, mean, sd) ORDER BY m.code), '[]')
        FROM (
            SELECT i.code, count(*) AS pairs,
                   count(*) FILTER (WHERE a.change_classification = ANY(%(recovered)s))
                       AS recovered,
                   count(*) FILTER (WHERE a.change_classification = ANY(%(improved)s))
                       AS improved,
                   count(*) FILTER (WHERE a.change_classification = ANY(%(unchanged)s))
                       AS unchanged,
                   count(*) FILTER (WHERE a.change_classification = ANY(%(worse)s)) AS worse,
                   count(*) FILTER (WHERE a.change_classification = ANY(%(outside)s))
                       AS outside,
                   avg(a.change_improvement) AS mean,
                   stddev_samp(a.change_improvement) AS sd
            FROM measures_administration a
            JOIN closed e ON e.id = a.episode_id
            JOIN measures_instrument i ON i.id = a.instrument_id
            WHERE a.timepoint = %(end_timepoint)s AND a.change_classification <> ''
            GROUP BY i.code
        ) m
        LEFT JOIN names ON names.code = m.code
    )
)
"""

EXPERIENCE = """
WITH responses AS (
    SELECT r.fft_rating, r.ratings FROM measures_experienceresponse r
    WHERE r.team_id = ANY(%(teams)s) AND r.received_on BETWEEN %(start)s AND %(end)s
),
questions AS (
    SELECT q.id, q.wording, q.position, 'q' || q.id AS key FROM measures_experiencequestion q
    WHERE q.team_id = ANY(%(teams)s) AND q.is_active
)
SELECT json_build_object(
    'fft', (
        SELECT coalesce(json_object_agg(k, n), '{}')
        FROM (SELECT fft_rating AS k, count(*) AS n FROM responses GROUP BY 1) g
    ),
    'referrers', (
        SELECT json_build_array(count(*), avg(ease), avg(clarity), avg(usefulness))
        FROM measures_referrerfeedback
        WHERE team_id = ANY(%(teams)s) AND submitted_on BETWEEN %(start)s AND %(end)s
    ),
    'questions', (
        SELECT coalesce(json_agg(json_build_array(wording, n, mean) ORDER BY position, id), '[]')
        FROM (
            SELECT q.id, q.position, q.wording, count(a.key) AS n, avg(a.rating) AS mean
            FROM questions q
            LEFT JOIN (
                -- Each answer once, by its key: one pass over the responses.
                SELECT answer.key, (answer.value ->> 'rating')::float8 AS rating
                FROM responses r CROSS JOIN LATERAL jsonb_each(
                    CASE WHEN jsonb_typeof(r.ratings) = 'object' THEN r.ratings
                    ELSE '{}'::jsonb END
                ) AS answer
            ) a ON a.key = q.key
            GROUP BY q.id, q.position, q.wording
        ) answered
    )
)
"""

STATEMENTS = {
    "referrals": REFERRALS,
    "waiting": WAITING,
    "engagement": ENGAGEMENT,
    "activity": ACTIVITY,
    "outcomes": OUTCOMES,
    "experience": EXPERIENCE,
}


def parameters(team_ids: Sequence[int], period: Any) -> dict[str, Any]:
    """The values the statements take: teams, the period and the codes they count."""
    from django.conf import settings

    from attune.care.codes import Attendance, Stage
    from attune.families.codes import FATHER_OR_PARTNER_KINDS, CarerKind
    from attune.measures.codes import Timepoint
    from attune.referrals.codes import Status, StressorStatus

    mothers = [CarerKind.BIRTH_MOTHER.value]
    fathers = sorted(str(kind) for kind in FATHER_OR_PARTNER_KINDS)
    return {
        "teams": list(team_ids),
        "start": period.start,
        "end": period.end,
        "start_at": period.start_at(),
        "end_before": period.end_before(),
        "tz": settings.TIME_ZONE,
        "present": StressorStatus.PRESENT.value,
        "attended": Attendance.ATTENDED.value,
        "dna": Attendance.DID_NOT_ATTEND.value,
        "planned": Attendance.PLANNED.value,
        "cancelled": [Attendance.CANCELLED_BY_FAMILY.value, Attendance.CANCELLED_BY_SERVICE.value],
        "early": Stage.EARLY.value,
        "waiting": Status.WAITING.value,
        "mothers": mothers,
        "fathers": fathers,
        "others": [k for k in CarerKind.values if k not in mothers and k not in fathers],
        "end_timepoint": Timepoint.END.value,
        "recovered": ["recovered"],
        "improved": ["reliably_improved", "improved"],
        "unchanged": ["no_reliable_change", "not_computable", "unchanged"],
        "worse": ["reliably_deteriorated", "worsened"],
        "outside": ["not_applicable"],
    }


def run_statements(cursor: Any, params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Execute the six statements: each section's raw figures, as one JSON value each."""
    raw = {}
    for name, sql in STATEMENTS.items():
        cursor.execute(sql, params)
        value = cursor.fetchone()[0]
        raw[name] = json.loads(value) if isinstance(value, str) else value
    return raw


# Shaping: the raw figures as the report's tables and summary lines --------------------------


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _one_place(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "–"


def _average(value: Any) -> float:
    return round(float(value), 1) if value else 0


def _mean_with_interval(mean: float | None, sd: float | None, n: int) -> str:
    if mean is None or not n:
        return "–"
    if n < 2 or sd is None:
        return f"{mean:.1f}"
    half = 1.96 * sd / n**0.5
    return f"{mean:.1f} ({mean - half:.1f} to {mean + half:.1f})"


def _labelled(choices: Sequence[tuple[str, Any]], counts: Mapping[str, int]) -> list[list[Any]]:
    return [[str(label), counts.get(code, 0)] for code, label in choices]


def _bands(counts: Sequence[int]) -> list[list[Any]]:
    labels, previous = [], 0
    for weeks in WAIT_BANDS_WEEKS:
        labels.append(f"{previous} to {weeks} weeks")
        previous = weeks
    labels.append(f"{WAIT_BANDS_WEEKS[-1]} weeks or more")
    return [[label, n] for label, n in zip(labels, counts, strict=True)]


Figures = dict[str, list[list[Any]]]
Summary = dict[str, Any]


def _referrals(raw: Mapping[str, Any], figures: Figures, summary: Summary) -> None:
    from attune.referrals.codes import Reason, ReferrerRole, Status, StressorDomain

    roles = {code: str(label) for code, label in ReferrerRole.choices}
    figures["referrals_by_month"] = [
        [f"{date.fromisoformat(month):%b %Y}", n] for month, n in raw["by_month"]
    ]
    by_role = sorted(raw["by_role"].items(), key=lambda item: -item[1])
    figures["referrals_by_role"] = [[roles.get(code, code), n] for code, n in by_role]
    figures["referrals_by_organisation"] = [
        [name or "Not given", n] for name, n in raw["by_organisation"]
    ]
    figures["referrals_by_reason"] = _labelled(Reason.choices, raw["by_reason"])
    figures["referrals_by_stressor"] = _labelled(StressorDomain.choices, raw["by_stressor"])
    statuses = raw["by_status"]
    accepted = statuses.get(Status.WAITING, 0) + statuses.get(Status.ALLOCATED, 0)
    declined = statuses.get(Status.DECLINED, 0)
    consultation = statuses.get(Status.CONSULTATION, 0)
    decided = accepted + declined + consultation
    figures["referral_outcomes"] = [
        ["Accepted", accepted, _share(accepted, decided)],
        ["Declined, with signposting", declined, _share(declined, decided)],
        ["Consultation offered instead", consultation, _share(consultation, decided)],
        ["Not yet decided", sum(statuses.values()) - decided, ""],
    ]
    summary["Referrals received"] = sum(statuses.values())
    summary["Median days from referral to triage"] = raw["triage_median"]
    summary["90th percentile, days to triage"] = raw["triage_p90"]


def _waiting(raw: Mapping[str, Any], figures: Figures, summary: Summary) -> None:
    figures["wait_to_first_contact"] = _bands(raw["contact_bands"])
    figures["wait_to_intervention"] = _bands(raw["start_bands"])
    summary["Families on the waiting list now"] = raw["waiting_now"]
    summary["Median days to first contact"] = raw["contact_median"]
    summary["90th percentile, days to first contact"] = raw["contact_p90"]
    summary["Median days to the start of the intervention"] = raw["start_median"]
    summary["90th percentile, days to the start"] = raw["start_p90"]
    summary["Babies who reached the age limit while waiting"] = raw["aged_out"]


def _engagement(raw: Mapping[str, Any], figures: Figures, summary: Summary) -> None:
    from attune.care.codes import Modality

    labels = {code: str(label) for code, label in Modality.choices}
    figures["attendance_by_kind"] = [
        [labels.get(kind, kind), total, dna, cancelled, _share(dna, total)]
        for kind, total, dna, cancelled in raw["by_kind"]
    ]
    summary["Tries to reach a family before the first contact (average)"] = _average(
        raw["attempts"]
    )
    summary["Families whose episode closed without being reached"] = raw["never_reached"]


def _activity(raw: Mapping[str, Any], figures: Figures, summary: Summary) -> None:
    from attune.care.codes import LocationType

    figures["contacts_by_location"] = _labelled(LocationType.choices, raw["places"])
    who = raw["who"]
    figures["contacts_by_who"] = [
        ["Mother", who["mother"]],
        ["Father or partner", who["father"]],
        ["Both parents", who["both"]],
        ["Another carer", who["other"]],
    ]
    outreach, families_reached = raw["outreach"]
    summary.update(
        {
            "Episodes opened": raw["opened"],
            "Episodes closed": raw["closed"],
            "Median length of episodes closed, in days": raw["length_median"],
            "Contacts attended per episode closed (average)": _average(raw["per_episode"]),
            "Group sessions held": raw["group_sessions"],
            "Places taken at group sessions (people present)": raw["places_taken"],
            "Consultations": raw["consultations"],
            "Training courses delivered": raw["courses"],
            "Professionals trained": raw["trained"],
            "Organisations reached by training": raw["organisations"],
            "Outreach and joint work": outreach,
            "Families reached by outreach": families_reached,
        }
    )


def _outcomes(raw: Mapping[str, Any], figures: Figures, summary: Summary) -> None:
    intervened = raw["intervened"]
    figures["outcomes_by_measure"] = [
        [
            name,
            pairs,
            recovered,
            improved,
            unchanged,
            worse,
            outside,
            _mean_with_interval(mean, sd, pairs),
            _share(pairs, intervened),
        ]
        for name, pairs, recovered, improved, unchanged, worse, outside, mean, sd in raw["measures"]
    ]
    summary["Episodes closed after starting an intervention"] = intervened


def _experience(raw: Mapping[str, Any], figures: Figures, summary: Summary) -> None:
    from attune.measures.codes import FFT_POSITIVE, FriendsAndFamily

    answers = raw["fft"]
    answered = sum(n for code, n in answers.items() if code != FriendsAndFamily.DONT_KNOW)
    positive = sum(answers.get(code, 0) for code in FFT_POSITIVE)
    figures["friends_and_family"] = _labelled(FriendsAndFamily.choices, answers)
    count, ease, clarity, usefulness = raw["referrers"]
    summary.update(
        {
            "Families who answered": answered,
            "Rated good or very good": _share(positive, answered),
            "Referrers who gave feedback": count,
            "Ease of referring, average of 5": _one_place(_float(ease)),
            "Clarity of the team's reply, average of 5": _one_place(_float(clarity)),
            "Usefulness for the family, average of 5": _one_place(_float(usefulness)),
        }
    )
    figures["experience_questions"] = [
        [wording, n, _one_place(mean)] for wording, n, mean in raw["questions"]
    ]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


SHAPERS: dict[str, Callable[[Mapping[str, Any], Figures, Summary], None]] = {
    "referrals": _referrals,
    "waiting": _waiting,
    "engagement": _engagement,
    "activity": _activity,
    "outcomes": _outcomes,
    "experience": _experience,
}


def commissioner_figures(cursor: Any, team_ids: Sequence[int], period: Any) -> dict[str, Any]:
    """Every figure of the commissioner report for these teams and period, before suppression:
    ``{"figures": {key: rows}, "summary": {label: value}}``."""
    raw = run_statements(cursor, parameters(team_ids, period))
    figures: Figures = {}
    summary: Summary = {}
    for name, shape in SHAPERS.items():
        shape(raw[name], figures, summary)
    return {"figures": figures, "summary": summary}


# The command line: time the floor against a database (bench/runner.py calls it) -------------


def commissioner_teams(username: str) -> list[int]:
    """The teams the commissioner's report covers, as the report page chooses them."""
    from attune.accounts.models import Membership
    from attune.accounts.roles import Role

    memberships = Membership.objects.active().filter(
        user__username=username, role=Role.COMMISSIONER
    )
    return list(memberships.order_by("team__name").values_list("team_id", flat=True))


def time_floor(team_ids: Sequence[int], repeat: int) -> dict[str, Any]:
    """Run the floor ``repeat`` times after one warm-up; the median and every time, in ms."""
    from django.db import connection
    from django.utils import timezone

    from attune.reporting.periods import period_from

    period, _ = period_from({"period": "year"}, timezone.localdate())
    times = []
    with connection.cursor() as cursor:
        commissioner_figures(cursor, team_ids, period)  # warm-up: plans and cache
        for _ in range(repeat):
            started = time.perf_counter()
            commissioner_figures(cursor, team_ids, period)
            times.append((time.perf_counter() - started) * 1000)
    return {
        "teams": len(team_ids),
        "period": [period.start.isoformat(), period.end.isoformat()],
        "repeat": repeat,
        "median_ms": statistics.median(times),
        "times_ms": times,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commissioner", required=True, help="username whose teams to report")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args(argv)

    import django

    django.setup()
    team_ids = commissioner_teams(args.commissioner)
    if not team_ids:
        print(f"{args.commissioner} commissions no team", file=sys.stderr)
        return 1
    result = time_floor(team_ids, max(1, args.repeat))
    args.output.write_text(json.dumps(result, indent=1))
    print(f"SQL floor for {len(team_ids)} teams: median {result['median_ms']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
