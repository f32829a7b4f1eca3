"""Suggest evidence-directory interventions that may suit a family.

The recommender is pure Python: it reads a family's facts, the directory
entries and a list of rules, and returns the entries that fit (with reasons
and cautions) and those it left out (with why). It never decides. The
practitioner chooses, and the list they were shown is stored with the care
package as the record (see docs/catalogue-recommender.md).

Rules are data (data/recommender_rules.json) so clinicians can read and
review them without reading code.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RULES_PATH = Path(__file__).parent / "data" / "recommender_rules.json"

AGE_RULE_ID = "age"

FACT_NAMES = frozenset(
    {
        "dyad_observed_at_risk",
        "parent_history_blocks_progress",
        "parental_mental_health",
        "parental_trauma",
        "maltreatment_concern",
        "parent_learning_difficulty",
        "psychotic_illness",
    }
)
CARER_KINDS = frozenset(
    {
        "birth_mother",
        "birth_father",
        "partner",
        "foster_carer",
        "adoptive_parent",
        "grandparent",
        "other_kin",
        "other",
    }
)
STRESSORS = frozenset(
    {
        "parent_mental_health",
        "substance_use",
        "domestic_abuse",
        "own_childhood",
        "housing",
        "money",
        "isolation",
        "bereavement",
        "baby_health",
        "disability",
        "immigration",
        "relationship_conflict",
    }
)
REASONS = frozenset(
    {
        "parent_mental_health",
        "substance_use",
        "own_childhood",
        "circumstances",
        "interaction",
        "birth_or_health",
        "other",
    }
)
SOCIAL_CARE = frozenset({"none", "early_help", "child_in_need", "child_protection", "looked_after"})
EFFECTS = frozenset({"reason", "caution", "exclude", "require"})
RULE_KEYS = frozenset({"id", "entries", "effect", "when", "message", "source"})


class RuleError(ValueError):
    """A rule in the rules data cannot be understood."""


# ---------------------------------------------------------------------------
# Facts


@dataclass(frozen=True)
class BabyFacts:
    age_months: float | None
    unborn: bool = False
    weeks_pregnant: int | None = None

    @property
    def completed_months(self) -> int | None:
        # Age ranges are in whole months with an inclusive upper bound
        # ("under 6 months" is 0..5), so compare completed months.
        if self.unborn or self.age_months is None:
            return None
        return max(0, math.floor(self.age_months))


@dataclass(frozen=True)
class FamilyFacts:
    babies: tuple[BabyFacts, ...] = ()
    carer_kinds: frozenset[str] = frozenset()
    stressors: frozenset[str] = frozenset()
    reasons: frozenset[str] = frozenset()
    social_care: str = "none"
    dyad_observed_at_risk: bool = False
    parent_history_blocks_progress: bool = False
    parental_mental_health: bool = False
    parental_trauma: bool = False
    maltreatment_concern: bool = False
    parent_learning_difficulty: bool = False
    psychotic_illness: bool = False

    def __post_init__(self) -> None:
        # Accept lists and sets from callers but keep the value hashable.
        object.__setattr__(self, "babies", tuple(self.babies))
        for name in ("carer_kinds", "stressors", "reasons"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))

    @property
    def pregnant(self) -> bool:
        return any(baby.unborn for baby in self.babies)

    @property
    def born_babies(self) -> tuple[BabyFacts, ...]:
        return tuple(baby for baby in self.babies if not baby.unborn)

    @property
    def youngest_months(self) -> float | None:
        """Age of the youngest born baby whose age is known."""
        ages = [b.age_months for b in self.born_babies if b.age_months is not None]
        return min(ages) if ages else None

    @property
    def age_unknown(self) -> bool:
        """True when some baby's age cannot be checked (or none is recorded)."""
        if not self.babies:
            return True
        return any(b.age_months is None for b in self.born_babies)


# ---------------------------------------------------------------------------
# Conditions


@dataclass(frozen=True)
class Condition:
    """A parsed `when` clause; `holds(facts)` evaluates it."""

    kind: str
    value: Any = None
    children: tuple[Condition, ...] = ()

    def holds(self, facts: FamilyFacts) -> bool:
        return _EVALUATORS[self.kind](self, facts)


def _all(c: Condition, f: FamilyFacts) -> bool:
    return all(child.holds(f) for child in c.children)


def _any(c: Condition, f: FamilyFacts) -> bool:
    return any(child.holds(f) for child in c.children)


def _not(c: Condition, f: FamilyFacts) -> bool:
    return not c.children[0].holds(f)


def _baby_under(c: Condition, f: FamilyFacts) -> bool:
    return any(b.age_months is not None and b.age_months < c.value for b in f.born_babies)


def _baby_at_least(c: Condition, f: FamilyFacts) -> bool:
    return any(b.age_months is not None and b.age_months >= c.value for b in f.born_babies)


def _weeks_at_least(c: Condition, f: FamilyFacts) -> bool:
    return any(
        b.unborn and b.weeks_pregnant is not None and b.weeks_pregnant >= c.value for b in f.babies
    )


_EVALUATORS: dict[str, Callable[[Condition, FamilyFacts], bool]] = {
    "all": _all,
    "any": _any,
    "not": _not,
    "fact": lambda c, f: bool(getattr(f, c.value)),
    "pregnant": lambda c, f: f.pregnant == c.value,
    "baby_under_months": _baby_under,
    "baby_at_least_months": _baby_at_least,
    "weeks_pregnant_at_least": _weeks_at_least,
    "carer_kind_any": lambda c, f: bool(f.carer_kinds & c.value),
    "stressor_any": lambda c, f: bool(f.stressors & c.value),
    "reason_any": lambda c, f: bool(f.reasons & c.value),
    "social_care_any": lambda c, f: f.social_care in c.value,
    "always": lambda c, f: True,
}

_CODE_LISTS: dict[str, frozenset[str]] = {
    "carer_kind_any": CARER_KINDS,
    "stressor_any": STRESSORS,
    "reason_any": REASONS,
    "social_care_any": SOCIAL_CARE,
}
_NUMBERS = ("baby_under_months", "baby_at_least_months", "weeks_pregnant_at_least")


def parse_condition(data: Any, rule_id: str = "?") -> Condition:
    """Parse one `when` clause, raising RuleError naming the rule on any problem."""

    def fail(problem: str) -> RuleError:
        return RuleError(f"rule {rule_id!r}: {problem}")

    if not isinstance(data, dict) or len(data) != 1:
        raise fail(f"a condition must be an object with exactly one key, got {data!r}")
    ((key, value),) = data.items()
    if key not in _EVALUATORS:
        raise fail(f"unknown condition {key!r}")
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise fail(f"{key!r} needs a non-empty list of conditions")
        return Condition(key, children=tuple(parse_condition(v, rule_id) for v in value))
    if key == "not":
        return Condition(key, children=(parse_condition(value, rule_id),))
    if key == "fact":
        if value not in FACT_NAMES:
            raise fail(f"unknown fact {value!r} (known: {', '.join(sorted(FACT_NAMES))})")
        return Condition(key, value)
    if key == "pregnant":
        if not isinstance(value, bool):
            raise fail("'pregnant' must be true or false")
        return Condition(key, value)
    if key == "always":
        if value is not True:
            raise fail("'always' must be true")
        return Condition(key, True)
    if key in _NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise fail(f"{key!r} needs a number of 0 or more, got {value!r}")
        return Condition(key, value)
    known = _CODE_LISTS[key]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise fail(f"{key!r} needs a non-empty list of codes")
    unknown = sorted(set(value) - known)
    if unknown:
        raise fail(f"{key!r} has unknown codes {unknown} (known: {', '.join(sorted(known))})")
    return Condition(key, frozenset(value))


# ---------------------------------------------------------------------------
# Rules


@dataclass(frozen=True)
class Rule:
    id: str
    entries: tuple[str, ...]
    effect: str
    when: Condition
    message: str
    source: str


def load_rules(data: list[dict[str, Any]]) -> tuple[Rule, ...]:
    """Parse rules data (a list of objects), checking every field."""
    if not isinstance(data, list):
        raise RuleError("rules data must be a list of rule objects")
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise RuleError(f"rule at position {index}: must be an object")
        rule_id = item.get("id")
        if not isinstance(rule_id, str) or not rule_id.strip():
            raise RuleError(f"rule at position {index}: needs a non-empty string 'id'")
        if rule_id == AGE_RULE_ID:
            raise RuleError(f"rule {rule_id!r}: the id is reserved for the built-in age rule")
        if rule_id in seen:
            raise RuleError(f"rule {rule_id!r}: the id is used twice")
        seen.add(rule_id)
        missing = sorted(RULE_KEYS - item.keys())
        extra = sorted(item.keys() - RULE_KEYS)
        if missing:
            raise RuleError(f"rule {rule_id!r}: missing {', '.join(missing)}")
        if extra:
            raise RuleError(f"rule {rule_id!r}: unknown keys {', '.join(extra)}")
        entries = item["entries"]
        if (
            not isinstance(entries, list)
            or not entries
            or not all(isinstance(s, str) and s for s in entries)
        ):
            raise RuleError(f"rule {rule_id!r}: 'entries' must be a non-empty list of slugs")
        if item["effect"] not in EFFECTS:
            raise RuleError(
                f"rule {rule_id!r}: effect {item['effect']!r} is not one of "
                f"{', '.join(sorted(EFFECTS))}"
            )
        for text_key in ("message", "source"):
            if not isinstance(item[text_key], str) or not item[text_key].strip():
                raise RuleError(f"rule {rule_id!r}: {text_key!r} must be non-empty text")
        rules.append(
            Rule(
                id=rule_id,
                entries=tuple(entries),
                effect=item["effect"],
                when=parse_condition(item["when"], rule_id),
                message=item["message"],
                source=item["source"],
            )
        )
    return tuple(rules)


def default_rules() -> tuple[Rule, ...]:
    """The shipped rules from data/recommender_rules.json."""
    return load_rules(json.loads(RULES_PATH.read_text(encoding="utf-8")))


# ---------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Recommendation:
    slug: str
    name: str
    reasons: tuple[str, ...]
    cautions: tuple[str, ...]
    evidence_label: str
    evidence_rank: float
    rule_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "reasons": list(self.reasons),
            "cautions": list(self.cautions),
            "evidence_label": self.evidence_label,
            "evidence_rank": self.evidence_rank,
            "rule_ids": list(self.rule_ids),
        }


@dataclass(frozen=True)
class Excluded:
    slug: str
    name: str
    why: tuple[str, ...]
    rule_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "why": list(self.why),
            "rule_ids": list(self.rule_ids),
        }


@dataclass(frozen=True)
class Suggestions:
    fits: tuple[Recommendation, ...] = ()
    excluded: tuple[Excluded, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of what was shown, to keep with the care package."""
        return {
            "fits": [r.to_dict() for r in self.fits],
            "excluded": [e.to_dict() for e in self.excluded],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Suggestions:
        return cls(
            fits=tuple(
                Recommendation(
                    slug=r["slug"],
                    name=r["name"],
                    reasons=tuple(r["reasons"]),
                    cautions=tuple(r["cautions"]),
                    evidence_label=r["evidence_label"],
                    evidence_rank=float(r["evidence_rank"]),
                    rule_ids=tuple(r["rule_ids"]),
                )
                for r in data["fits"]
            ),
            excluded=tuple(
                Excluded(
                    slug=e["slug"],
                    name=e["name"],
                    why=tuple(e["why"]),
                    rule_ids=tuple(e["rule_ids"]),
                )
                for e in data["excluded"]
            ),
        )


# ---------------------------------------------------------------------------
# The age rule


def _months(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


def _years(n: int) -> str:
    return f"{n} year" if n == 1 else f"{n} years"


def describe_age_range(age: Mapping[str, Any]) -> str:
    """Plain-English age range of an entry, e.g. 'for children aged 1 to 6 years'."""
    antenatal = bool(age.get("antenatal"))
    lo = age.get("from_months")
    hi = age.get("to_months")
    lo = None if lo in (None, 0) else lo
    if antenatal and lo is None and hi is not None and hi <= 3:
        return "for pregnancy and the first weeks after birth"
    if lo is None and hi is None:
        born = "babies and children of any age"
    elif lo is None:
        assert hi is not None
        if hi >= 11 and (hi + 1) % 12 == 0:
            born = f"babies under {_years((hi + 1) // 12)}"
        elif hi < 12:
            born = f"babies under {_months(hi + 1)}"
        else:
            born = f"babies up to {_months(hi)}"
    elif hi is None:
        born = f"children from {_years(lo // 12)}" if lo % 12 == 0 else f"babies from {_months(lo)}"
    elif lo % 12 == 0 and (hi + 1) % 12 == 0 and hi + 1 > lo:
        born = f"children aged {lo // 12} to {(hi + 1) // 12 - 1} years"
    else:
        born = f"babies aged {lo} to {_months(hi)}"
    if antenatal:
        return f"for pregnancy and {born}"
    return f"for {born}"


def _fits_baby(age: Mapping[str, Any], baby: BabyFacts) -> bool:
    if baby.unborn:
        return bool(age.get("antenatal"))
    months = baby.completed_months
    if months is None:
        return False
    lo, hi = age.get("from_months"), age.get("to_months")
    return (lo is None or months >= lo) and (hi is None or months <= hi)


def _age_bounded(age: Mapping[str, Any]) -> bool:
    return any(age.get(k) is not None for k in ("from_months", "to_months")) or bool(
        age.get("antenatal")
    )


def _age_reason(baby: BabyFacts) -> str:
    """Why an entry suits this baby's age, without naming the baby."""
    if baby.unborn:
        if baby.weeks_pregnant is not None:
            return f"Can begin in pregnancy (now {baby.weeks_pregnant} weeks)"
        return "Can begin in pregnancy"
    months = baby.completed_months
    if months == 0:
        return "Suits a baby under 1 month old"
    return f"Suits a baby of {_months(months or 0)}"


def _who_we_have(facts: FamilyFacts) -> str:
    youngest = facts.youngest_months
    if youngest is not None:
        months = max(0, math.floor(youngest))
        age = "under 1 month" if months == 0 else _months(months)
        if len(facts.born_babies) == 1:
            return f"the baby is {age}"
        return f"the youngest baby is {age}"
    if facts.pregnant:
        return "the baby is not born yet"
    return "no baby's age is recorded"


def _age_check(entry: Mapping[str, Any], facts: FamilyFacts) -> tuple[str, list[str], bool]:
    """Return (kind, messages, fits) where kind is 'reason', 'caution' or 'exclude'."""
    age = entry.get("age") or {}
    if not _age_bounded(age):
        return "reason", [], True
    matched: list[str] = []
    for baby in facts.babies:
        if _fits_baby(age, baby):
            reason = _age_reason(baby)
            if reason not in matched:
                matched.append(reason)
    if matched:
        return "reason", matched, True
    range_text = describe_age_range(age)
    if facts.age_unknown:
        return (
            "caution",
            [f"Please check the age: this is {range_text}, and a baby's age is not recorded"],
            True,
        )
    text = range_text[0].upper() + range_text[1:]
    return "exclude", [f"{text}; {_who_we_have(facts)}"], False


# ---------------------------------------------------------------------------
# Recommending


@dataclass
class _Working:
    reasons: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    fired: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def _sort_key_name(name: str) -> str:
    return name.casefold()


def recommend(
    facts: FamilyFacts, entries: Sequence[Mapping[str, Any]], rules: Sequence[Rule]
) -> Suggestions:
    """List the interventions that may fit, and those left out, without choosing."""
    fits: list[Recommendation] = []
    excluded: list[Excluded] = []
    for entry in entries:
        if entry.get("kind") != "intervention":
            continue
        slug = entry["slug"]
        work = _Working()
        kind, messages, age_fits = _age_check(entry, facts)
        if messages:
            if not age_fits:
                work.why.extend(messages)
                work.blocked.append(AGE_RULE_ID)
            else:
                (work.reasons if kind == "reason" else work.cautions).extend(messages)
                work.fired.append(AGE_RULE_ID)
        for rule in rules:
            if slug not in rule.entries:
                continue
            holds = rule.when.holds(facts)
            if rule.effect == "reason" and holds:
                work.reasons.append(rule.message)
                work.fired.append(rule.id)
            elif rule.effect == "caution" and holds:
                work.cautions.append(rule.message)
                work.fired.append(rule.id)
            elif rule.effect == "exclude" and holds:
                work.why.append(rule.message)
                work.blocked.append(rule.id)
            elif rule.effect == "require":
                if holds:
                    # Recorded so the record shows why a gated entry was listed.
                    work.fired.append(rule.id)
                else:
                    work.why.append(rule.message)
                    work.blocked.append(rule.id)
        if work.why:
            excluded.append(
                Excluded(
                    slug=slug,
                    name=entry["name"],
                    why=tuple(work.why),
                    rule_ids=tuple(work.blocked),
                )
            )
        else:
            fits.append(
                Recommendation(
                    slug=slug,
                    name=entry["name"],
                    reasons=tuple(work.reasons),
                    cautions=tuple(work.cautions),
                    evidence_label=str(entry["evidence_label"]),
                    evidence_rank=float(entry["evidence_rank"]),
                    rule_ids=tuple(work.fired),
                )
            )
    fits.sort(key=lambda r: (-r.evidence_rank, _sort_key_name(r.name)))
    excluded.sort(key=lambda e: _sort_key_name(e.name))
    return Suggestions(fits=tuple(fits), excluded=tuple(excluded))
