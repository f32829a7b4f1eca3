"""One synthetic family in memory: the baby, the carers, perhaps a sibling, and the links.

Nothing here touches the database: the generator collects these rows and writes
them with bulk inserts. Proportions come from ``proportions.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from attune.accounts.models import Team
from attune.core import nhs_number
from attune.families.codes import CarerKind, MemberRole, StatedGender
from attune.families.models import FULL_TERM_WEEKS, CareRelationship, Family, FamilyMember, Person
from attune.synthetic import proportions as p
from attune.synthetic.copy_rows import new_row
from attune.synthetic.dice import chance, day_between, months_before, one_of, pick, whole_number
from attune.synthetic.dice import years_before as born_years_before

if TYPE_CHECKING:
    from attune.synthetic.generator import SyntheticRun

# Ofcom keeps 07700 900000-900999 for drama: never a real person's phone.
DRAMA_PHONE_PREFIX = "07700 900"


@dataclass(frozen=True)
class BabyDates:
    date_of_birth: date | None
    due_date: date | None
    gestation_weeks: int | None

    @property
    def birth_or_due(self) -> date:
        day = self.date_of_birth or self.due_date
        assert day is not None
        return day


@dataclass(frozen=True)
class Home:
    """What carers who live together share."""

    ethnic_category: str
    first_language: str
    address: str
    postcode: str
    gp_practice: str


@dataclass
class Household:
    family: Family
    baby: Person
    baby_dates: BabyDates
    carers: list[tuple[Person, str]] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    members: list[FamilyMember] = field(default_factory=list)
    links: list[CareRelationship] = field(default_factory=list)

    @property
    def has_second_carer(self) -> bool:
        return len(self.carers) > 1

    @property
    def needs_interpreter(self) -> bool:
        return any(carer.interpreter_needed for carer, _ in self.carers)

    def add(self, person: Person, role: str) -> None:
        self.people.append(person)
        self.members.append(new_row(FamilyMember, family=self.family, person=person, role=role))

    def add_carer(self, carer: Person, kind: str, lives_with_baby: bool = True) -> None:
        self.add(carer, MemberRole.CARER)
        self.carers.append((carer, kind))
        self.links.append(
            new_row(
                CareRelationship,
                family=self.family,
                carer=carer,
                baby=self.baby,
                kind=kind,
                has_parental_responsibility=kind in p.PARENTAL_RESPONSIBILITY,
                lives_with_baby=lives_with_baby,
            )
        )


def new_nhs_number(run: SyntheticRun) -> str:
    """A 999-range number not yet used in this run (people do not share numbers).

    Drawn from the run's own slot of the range (see ``SyntheticRun.nhs_slot``).
    """
    slot, slots = run.nhs_slot
    while True:
        number = nhs_number.synthetic(run.nhs_rng or run.rng, slot=slot, slots=slots)
        if number not in run.nhs_numbers:
            run.nhs_numbers.add(number)
            return number


def baby_dates(run: SyntheticRun) -> BabyDates:
    rng, today = run.rng, run.today
    roll = rng.random()
    if roll < p.UNBORN_SHARE:
        due = today + timedelta(days=whole_number(rng, 0, p.UNBORN_DUE_WITHIN_DAYS))
        return BabyDates(None, due, None)
    if roll < p.UNBORN_SHARE + p.NEAR_SECOND_BIRTHDAY_SHARE:
        low, high = p.NEAR_SECOND_BIRTHDAY_WEEKS
        born = months_before(today, 24) + timedelta(days=whole_number(rng, low * 7, high * 7))
    else:
        born = day_between(rng, months_before(today, p.BORN_UP_TO_MONTHS), today)
    return BabyDates(born, None, gestation_weeks(run))


def gestation_weeks(run: SyntheticRun) -> int | None:
    roll = run.rng.random()
    if roll < p.PREMATURE_SHARE:
        return whole_number(run.rng, *p.PREMATURE_WEEKS)
    if roll < p.PREMATURE_SHARE + p.GESTATION_UNKNOWN_SHARE:
        return None
    return whole_number(run.rng, *p.TERM_WEEKS)


def due_date_for(dates: BabyDates) -> date | None:
    """The due date teams keep as history: back-worked from the gestation when born."""
    if dates.due_date or dates.date_of_birth is None or dates.gestation_weeks is None:
        return dates.due_date
    return dates.date_of_birth + timedelta(weeks=FULL_TERM_WEEKS - dates.gestation_weeks)


def first_language(run: SyntheticRun, ethnic_category: str) -> str:
    share, languages = p.OTHER_LANGUAGES.get(ethnic_category, (0.0, ()))
    if languages and chance(run.rng, share):
        return one_of(run.rng, languages)
    return "English"


def new_home(run: SyntheticRun, ethnic_category: str | None = None) -> Home:
    category = ethnic_category or pick(run.rng, p.ETHNIC_CATEGORY_WEIGHTS)
    return Home(
        ethnic_category=category,
        first_language=first_language(run, category),
        address=f"{run.faker.street_address()}\n{run.faker.city()}",
        postcode=run.faker.postcode(),
        gp_practice=f"{run.faker.last_name()} Medical Centre",
    )


def email_for(given: str, family: str, run: SyntheticRun) -> str:
    local = re.sub(r"[^a-z.]", "", f"{given}.{family}".lower())
    return f"{local}{whole_number(run.rng, 1, 99)}@example.com"


def new_carer(
    run: SyntheticRun, household: Household, kind: str, home: Home, family_name: str
) -> Person:
    """A carer whose age, when the baby was born or is due, suits their kind."""
    rng, faker = run.rng, run.faker
    female = chance(rng, p.FEMALE_SHARE_BY_KIND[kind])
    given = faker.first_name_female() if female else faker.first_name_male()
    low, high, likeliest = p.CARER_AGE_YEARS[kind]
    speaks_english = home.first_language == "English"
    by_email = chance(rng, p.CONSENTS_TO_EMAIL_SHARE)
    return new_row(
        Person,
        team=household.family.team,
        given_name=given,
        family_name=family_name,
        date_of_birth=born_years_before(
            rng, household.baby_dates.birth_or_due, low, high, likeliest
        ),
        nhs_number=new_nhs_number(run),
        stated_gender=StatedGender.FEMALE if female else StatedGender.MALE,
        ethnic_category=home.ethnic_category,
        first_language=home.first_language,
        interpreter_needed=not speaks_english and chance(rng, p.INTERPRETER_SHARE),
        address=home.address,
        postcode=home.postcode,
        gp_practice=home.gp_practice,
        phone=f"{DRAMA_PHONE_PREFIX}{whole_number(rng, 0, 999):03d}",
        email=email_for(given, family_name, run) if by_email else "",
        consents_to_text=chance(rng, p.CONSENTS_TO_TEXT_SHARE),
        consents_to_email=by_email,
    )


def new_baby(run: SyntheticRun, team: Team, dates: BabyDates, home: Home, surname: str) -> Person:
    born = dates.date_of_birth is not None
    girl = chance(run.rng, 0.5)
    given = run.faker.first_name_female() if girl else run.faker.first_name_male()
    return new_row(
        Person,
        team=team,
        given_name=given if born else "Baby",
        family_name=surname,
        date_of_birth=dates.date_of_birth,
        due_date=due_date_for(dates),
        gestation_weeks_at_birth=dates.gestation_weeks,
        # An unborn baby has no NHS number yet.
        nhs_number=new_nhs_number(run) if born else "",
        stated_gender=(StatedGender.FEMALE if girl else StatedGender.MALE) if born else "",
        ethnic_category=home.ethnic_category,
        address=home.address,
        postcode=home.postcode,
        gp_practice=home.gp_practice,
    )


def new_sibling(run: SyntheticRun, team: Team, home: Home, surname: str) -> Person:
    low, high = p.SIBLING_AGE_YEARS
    girl = chance(run.rng, 0.5)
    return new_row(
        Person,
        team=team,
        given_name=run.faker.first_name_female() if girl else run.faker.first_name_male(),
        family_name=surname,
        date_of_birth=born_years_before(run.rng, run.today, low, high, low),
        nhs_number=new_nhs_number(run),
        stated_gender=StatedGender.FEMALE if girl else StatedGender.MALE,
        ethnic_category=home.ethnic_category,
        address=home.address,
        postcode=home.postcode,
        gp_practice=home.gp_practice,
    )


def family_name_for(surnames: list[str]) -> str:
    """As the intake service names families: each surname once, joined with a dash."""
    return "–".join(dict.fromkeys(surnames)) + " family"


def second_carer_home(run: SyntheticRun, home: Home) -> Home:
    if not chance(run.rng, p.CARER_CATEGORY_DIFFERS_SHARE):
        return home
    category = pick(run.rng, p.ETHNIC_CATEGORY_WEIGHTS)
    return Home(
        category, first_language(run, category), home.address, home.postcode, home.gp_practice
    )


def build_household(run: SyntheticRun, team: Team) -> Household:
    """A family with its baby, carers (who they are follows HOUSEHOLD_WEIGHTS) and siblings."""
    kinds = pick(run.rng, p.HOUSEHOLD_WEIGHTS)
    dates = baby_dates(run)
    home = new_home(run)
    first_surname = run.faker.last_name()
    second_surname = first_surname if chance(run.rng, 0.5) else run.faker.last_name()
    baby_surname = one_of(run.rng, [first_surname, second_surname])
    if kinds == (CarerKind.FOSTER_CARER,):
        baby_surname = run.faker.last_name()
    baby = new_baby(run, team, dates, home, baby_surname)
    household = Household(new_row(Family, team=team), baby, dates)
    household.add(baby, MemberRole.BABY)
    add_carers(run, household, kinds, home, (first_surname, second_surname))
    if kinds != (CarerKind.FOSTER_CARER,) and chance(run.rng, p.SIBLING_SHARE):
        household.add(new_sibling(run, team, home, baby_surname), MemberRole.SIBLING)
    surnames = [baby.family_name, *(carer.family_name for carer, _ in household.carers)]
    household.family.name = family_name_for(surnames)
    return household


def add_carers(
    run: SyntheticRun,
    household: Household,
    kinds: tuple[str, ...],
    home: Home,
    surnames: tuple[str, str],
) -> None:
    first_kind, *others = kinds
    first_home = new_home(run) if first_kind == CarerKind.FOSTER_CARER else home
    household.add_carer(new_carer(run, household, first_kind, first_home, surnames[0]), first_kind)
    for kind in others:
        lives_elsewhere = kind == CarerKind.BIRTH_FATHER and chance(
            run.rng, p.FATHER_LIVES_ELSEWHERE_SHARE
        )
        carer_home = new_home(run, home.ethnic_category) if lives_elsewhere else home
        carer = new_carer(run, household, kind, second_carer_home(run, carer_home), surnames[1])
        household.add_carer(carer, kind, lives_with_baby=not lives_elsewhere)
