"""A home page per role: what this person came to Attune to do."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpRequest
from django.urls import reverse

from attune.accounts.roles import Capability, Role, role_can


@dataclass(frozen=True)
class Card:
    title: str
    description: str
    href: str


@dataclass(frozen=True)
class HomePage:
    template: str
    heading: str
    summary: str
    cards: list[Card] = field(default_factory=list)


ROLE_SUMMARIES = {
    Role.PRACTITIONER: "Your families, sessions and notes, and the referrals waiting for the team.",
    Role.SUPERVISOR: "Supervision with the practitioners you support, and the team's families.",
    Role.MANAGER: "The team's caseload, waiting list, safeguarding and audit trail.",
    Role.ADMINISTRATOR: "Referrals coming in, appointments, and the team's records.",
    Role.COMMISSIONER: (
        "Reports for the teams you commission: figures only, never a family's record."
    ),
    Role.REFERRER: "Refer a family to the team and follow what happens to your referrals.",
}


def _cards(request: HttpRequest) -> list[Card]:
    role = getattr(request, "role", None)
    cards = []
    if role_can(role, Capability.USE_CLINICAL_RECORDS):
        cards += [
            Card(
                "Caseload",
                "Your families: where each is on the path, what is due and what needs attention.",
                reverse("care:caseload"),
            ),
            Card(
                "Referrals",
                "New referrals to triage, and enter one that came by phone or letter.",
                reverse("referrals:list"),
            ),
            Card(
                "Waiting list",
                "Families waiting, how long they have waited, and allocation.",
                reverse("referrals:waiting_list"),
            ),
            Card(
                "Families",
                "Find a family and see each baby's age and carers.",
                reverse("families:list"),
            ),
        ]
    elif role_can(role, Capability.SUBMIT_REFERRALS):
        cards += [
            Card(
                "Refer a family",
                "Tell the team about a family who might like their help.",
                reverse("referrals:new"),
            ),
            Card(
                "Your referrals",
                "See what has happened to the referrals you sent.",
                reverse("referrals:mine"),
            ),
        ]
    cards.append(
        Card(
            "Evidence directory",
            "Interventions and assessment tools: what the evidence says, side by side.",
            reverse("catalogue:directory"),
        )
    )
    if role_can(role, Capability.USE_CLINICAL_RECORDS):
        cards.append(
            Card(
                "Group programmes",
                "Open groups and courses: families taking part, waiting lists and registers.",
                reverse("groups:list"),
            )
        )
        cards.append(
            Card(
                "Training register",
                "Who in the team is trained in what, to what level, and when it expires.",
                reverse("catalogue:training"),
            )
        )
        cards.append(
            Card(
                "Self-assessments",
                "How well an intervention fits your team, with the Hexagon tool.",
                reverse("catalogue:assessments"),
            )
        )
    if role_can(role, Capability.USE_CLINICAL_RECORDS):
        cards.append(
            Card(
                "Consultation, training and outreach",
                "Advice to other professionals, training the team gives, and joint work.",
                reverse("outreach:home"),
            )
        )
    if role_can(role, Capability.MANAGE_TEAM):
        cards.append(
            Card("Rooms", "The team's rooms, so none is booked twice.", reverse("care:rooms"))
        )
    if role_can(role, Capability.DELEGATE_TRIAGE):
        cards.append(
            Card(
                "Team",
                "The team's members, and who may triage referrals.",
                reverse("accounts:team_members"),
            )
        )
    if role_can(role, Capability.READ_CLINICAL_NOTES):
        cards.append(
            Card(
                "Answers to follow up",
                "Questionnaire answers about risk, raised for you to follow up the same day.",
                reverse("measures:risk_flags"),
            )
        )
    if role_can(role, Capability.USE_CLINICAL_RECORDS):
        cards.append(
            Card(
                "Measures schedule",
                "Which questionnaires are due when, for every episode or one kind of work.",
                reverse("measures:schedule"),
            )
        )
    if role_can(role, Capability.VIEW_TEAM_REPORTS) or role_can(
        role, Capability.VIEW_COMMISSIONED_REPORTS
    ):
        cards.append(
            Card(
                "Reports",
                "Referrals, waiting times, engagement and activity for any period, to "
                "view, download or print.",
                reverse("reporting:dashboard"),
            )
        )
        cards.append(
            Card(
                "Who the service reaches",
                "Ethnicity, fathers and partners, language and deprivation, against the "
                "local population.",
                reverse("reporting_reach:reach"),
            )
        )
    if role_can(role, Capability.USE_CLINICAL_RECORDS) or role_can(
        role, Capability.VIEW_COMMISSIONED_REPORTS
    ):
        cards.append(
            Card(
                "Theory of change",
                "What the team does, what it hopes will change, and what the data shows.",
                reverse("reporting_theory:theory"),
            )
        )
    if role_can(role, Capability.VIEW_TEAM_REPORTS):
        cards.append(
            Card(
                "Experience of the service",
                "Friends and Family Test answers and referrers' feedback.",
                reverse("measures:experience"),
            )
        )
    if role_can(role, Capability.SEARCH_AUDIT):
        cards.append(
            Card(
                "Audit trail",
                "See who viewed or changed what in your team, and when.",
                reverse("audit:search"),
            )
        )
    if request.user.is_superuser:
        cards.append(
            Card(
                "System administration",
                "Organisations, teams, accounts and memberships.",
                reverse("admin:index"),
            )
        )
    cards.append(
        Card(
            "Your account",
            "Your authenticator app and recovery codes.",
            reverse("accounts:security"),
        )
    )
    return cards


def home_page_for(request: HttpRequest) -> HomePage:
    membership = getattr(request, "membership", None)
    if membership is None:
        if request.user.is_superuser:
            return HomePage(
                "home/system_admin.jinja",
                "System administration",
                "You look after Attune itself: organisations, teams and accounts.",
                _cards(request),
            )
        return HomePage(
            "home/no_team.jinja",
            "You are not in a team yet",
            "Ask your team's administrator to add you to a team.",
            _cards(request),
        )
    role = membership.role
    return HomePage(
        f"home/{role}.jinja",
        f"{membership.get_role_display()} — {membership.team.name}",
        ROLE_SUMMARIES[role],
        _cards(request),
    )
