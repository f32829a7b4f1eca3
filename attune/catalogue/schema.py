"""The evidence directory's entry format: vocabularies, validation and display helpers.

Pure Python with no Django imports, so the seed data can be checked (and the data
migration can load it) without settings. The format is described key by key in
docs/catalogue-entries.md.
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from typing import Any, TypeGuard

# Vocabularies --------------------------------------------------------------

KINDS: tuple[str, ...] = ("intervention", "assessment_tool")
CLASSIFICATIONS: tuple[str, ...] = ("universal", "targeted", "specialist")
NEEDS: tuple[str, ...] = (
    "parent_child_relationship",
    "parenting",
    "perinatal_mental_health",
    "parental_trauma",
    "child_development",
    "emotion_regulation",
    "maltreatment_risk",
    "other",
)
RECIPIENTS: tuple[str, ...] = (
    "mother",
    "father",
    "carer",
    "dyad",
    "triad",
    "group",
    "parent_alone",
    "workforce",
)
FORMATS: tuple[str, ...] = ("individual", "group")
SETTINGS: tuple[str, ...] = ("clinic", "home", "community", "online", "hospital")
STUDY_DESIGNS: tuple[str, ...] = ("rct", "qed", "pre_post", "qualitative", "other")
UK_VALUES: tuple[str, ...] = ("yes", "no", "unknown")

_HEXAGON_VALUES = frozenset(
    [str(n) for n in range(1, 6)] + [f"{n}+" for n in range(1, 5)],
)
RATING_VALUES: dict[str, frozenset[str]] = {
    "eif_evidence": frozenset({"2", "2+", "3", "3+", "4", "4+", "NL2", "NE", "NA"}),
    "eif_cost": frozenset({"1", "2", "3", "4", "5", "NA"}),
    "hexagon_evidence": _HEXAGON_VALUES,
    "hexagon_usability": _HEXAGON_VALUES,
    "hexagon_supports": _HEXAGON_VALUES,
    "cebc": frozenset({"1", "2", "3", "4", "5", "NR"}),
    "nice": frozenset({"recommended"}),
}

# The slugs the recommender rules refer to. Entries may be added later by a
# system administrator; these must always be present and keep their kind.
INTERVENTION_SLUGS: tuple[str, ...] = (
    "parent-infant-psychotherapy",
    "infant-parent-psychotherapy",
    "child-parent-psychotherapy",
    "video-interaction-guidance",
    "vipp-sd",
    "watch-wait-and-wonder",
    "mellow-programmes",
    "circle-of-security",
    "circle-of-security-parenting",
    "attachment-and-biobehavioral-catch-up",
    "incredible-years-parents-and-babies",
    "epec-my-baby-and-us",
    "infant-massage",
    "cognitive-analytic-therapy",
    "emdr",
    "cbt",
    "peep-learning-together",
    "peep-antenatal",
    "watch-me-play",
    "solihull-approach",
    "family-partnership-model",
    "five-to-thrive",
)
ASSESSMENT_TOOL_SLUGS: tuple[str, ...] = (
    "asq-se-2",
    "kips",
    "dc05-levels-of-adaptive-functioning",
    "strange-situation",
    "attachment-q-sort",
    "care-index",
)
FIXED_SLUGS: tuple[str, ...] = INTERVENTION_SLUGS + ASSESSMENT_TOOL_SLUGS

SUMMARY_MAX_WORDS = 120

# Top-level fields that state a fact and so need an entry in "sources" when they
# are not empty. Ratings carry their own source.
SOURCED_FIELDS: tuple[str, ...] = (
    "summary",
    "developer",
    "classification",
    "needs",
    "age",
    "recipients",
    "delivery",
    "practitioner",
    "training",
    "supervision",
    "fidelity",
    "licence",
    "uk",
    "outcomes",
    "studies",
    "references",
    "fidelity_checklist",
)

ENTRY_KEYS: tuple[str, ...] = (
    "slug",
    "name",
    "aliases",
    "kind",
    "developer",
    "provider_url",
    "summary",
    "classification",
    "needs",
    "age",
    "recipients",
    "delivery",
    "practitioner",
    "training",
    "supervision",
    "fidelity",
    "licence",
    "uk",
    "ratings",
    "outcomes",
    "studies",
    "references",
    "fidelity_checklist",
    "sources",
)

# Labels ----------------------------------------------------------------------

LABELS: dict[str, dict[str, str]] = {
    "kind": {
        "intervention": "Intervention",
        "assessment_tool": "Assessment or observation tool",
    },
    "classification": {
        "universal": "Universal: open to all families",
        "targeted": "Targeted: for families with identified needs or risks",
        "specialist": "Specialist: delivered by specialist practitioners or teams",
    },
    "needs": {
        "parent_child_relationship": "Parent-child relationship and attachment",
        "parenting": "Parenting",
        "perinatal_mental_health": "Perinatal and parental mental health",
        "parental_trauma": "Parental trauma",
        "child_development": "Child development",
        "emotion_regulation": "Emotion regulation",
        "maltreatment_risk": "Risk of maltreatment",
        "other": "Other",
    },
    "recipients": {
        "mother": "Mothers",
        "father": "Fathers",
        "carer": "Other carers (foster, adoptive, kinship)",
        "dyad": "Parent and baby together",
        "triad": "Both parents and baby together",
        "group": "Groups of families",
        "parent_alone": "Parent on their own",
        "workforce": "Practitioners and the wider workforce",
    },
    "formats": {
        "individual": "Individual",
        "group": "Group",
    },
    "settings": {
        "clinic": "Clinic",
        "home": "Home",
        "community": "Community setting",
        "online": "Online",
        "hospital": "Hospital",
    },
    "uk": {
        "yes": "Yes",
        "no": "No",
        "unknown": "Not known",
    },
    "study_designs": {
        "rct": "Randomised controlled trial",
        "qed": "Quasi-experimental design",
        "pre_post": "Before-and-after study",
        "qualitative": "Qualitative study",
        "other": "Other design",
    },
    "schemes": {
        "eif_evidence": "EIF evidence rating",
        "eif_cost": "EIF cost rating",
        "hexagon_evidence": "Evidence (Hexagon programme indicator)",
        "hexagon_usability": "Usability (Hexagon programme indicator)",
        "hexagon_supports": "Supports (Hexagon programme indicator)",
        "cebc": "CEBC scientific rating",
        "nice": "NICE recommendation",
    },
}

# One line per scheme, in Attune's own words, from the team's research note on
# the directories (EIF/Foundations, NIRN, CEBC and NES pages it cites).
SCHEME_SOURCES: dict[str, str] = {
    "eif_evidence": (
        "Early Intervention Foundation (now Foundations) Guidebook: strength of evidence that a "
        "programme causes better child outcomes, not the size of the effect. 4 = long-term "
        "impact from several rigorous evaluations; 3 = short-term impact from at least one "
        "rigorous evaluation ('evidence-based'); 2 = preliminary evidence, causal impact not "
        "yet shown; '+' = exceeds the basic threshold for its level; NL2 = best evidence falls "
        "below level 2; NE = found not effective in a rigorous study; NA = not rated. "
        "Source: EIF evidence standards and 'How to read the Guidebook'."
    ),
    "eif_cost": (
        "EIF Guidebook cost rating: a relative estimate of the cost of setting up and "
        "delivering a programme compared with other EIF-assessed programmes, from 1 (lowest) "
        "to 5 (highest); not an assessment of actual costs. NA = the information needed is "
        "not available. Source: EIF, 'Welcome to the new Guidebook' (March 2017)."
    ),
    "hexagon_evidence": (
        "NIRN Hexagon Tool programme indicator (Metz & Louison 2018/2019): how strong the "
        "evidence of outcomes is, rated on a 5-point scale (5 high, 3 medium, 1 low). As shown "
        "by the NHS Education for Scotland Early Intervention Framework, where '+' appears "
        "beside the score."
    ),
    "hexagon_usability": (
        "NIRN Hexagon Tool programme indicator (Metz & Louison 2018/2019): how well the "
        "programme is defined, so that it can be delivered as intended, measured and repeated "
        "elsewhere; 5-point scale. As shown by the NHS Education for Scotland Early "
        "Intervention Framework."
    ),
    "hexagon_supports": (
        "NIRN Hexagon Tool programme indicator (Metz & Louison 2018/2019): what help is "
        "available to implement the programme, such as training, coaching, supervision and "
        "fidelity tools; 5-point scale. As shown by the NHS Education for Scotland Early "
        "Intervention Framework."
    ),
    "cebc": (
        "California Evidence-Based Clearinghouse for Child Welfare scientific rating scale, "
        "where a lower number means more research support: 1 well-supported, 2 supported, "
        "3 promising, 4 evidence fails to show an effect, 5 concerning practice, NR not able "
        "to be rated. Source: cebc4cw.org scientific rating scale."
    ),
    "nice": (
        "Recommended in a National Institute for Health and Care Excellence guideline, for "
        "example NICE NG26 (2015) on children's attachment. The rating's source names the "
        "guideline."
    ),
}

# Evidence ordering -------------------------------------------------------------

_EIF_RANK: dict[str, float] = {
    "4+": 4.5,
    "4": 4.0,
    "3+": 3.5,
    "3": 3.0,
    "2+": 2.5,
    "2": 2.0,
    "NL2": 1.0,
    "NE": 0.0,
}
_CEBC_RANK: dict[str, float] = {"1": 4.0, "2": 3.0, "3": 2.0, "4": 0.0, "5": 0.0, "NR": 1.0}
NICE_RANK_FLOOR = 3.0
UNRATED_RANK = 0.5

_SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def _ratings_by_scheme(data: dict[str, Any]) -> dict[str, str]:
    ratings: dict[str, str] = {}
    raw = data.get("ratings")
    if not isinstance(raw, list):
        return ratings
    for rating in raw:
        if isinstance(rating, dict):
            scheme, value = rating.get("scheme"), rating.get("value")
            if isinstance(scheme, str) and isinstance(value, str):
                ratings.setdefault(scheme, value)
    return ratings


def _hexagon_rank(value: str) -> float | None:
    if value not in _HEXAGON_VALUES:
        return None
    return float(value.rstrip("+")) + (0.5 if value.endswith("+") else 0.0)


def _ranked(data: dict[str, Any]) -> tuple[float, str]:
    """The rank and the label of the rating that decided it (see evidence_rank)."""
    ratings = _ratings_by_scheme(data)
    rank: float | None = None
    label = "Not rated"
    eif = ratings.get("eif_evidence")
    hexagon = ratings.get("hexagon_evidence")
    cebc = ratings.get("cebc")
    if eif in _EIF_RANK:
        assert eif is not None
        rank = _EIF_RANK[eif]
        label = {"NL2": "EIF: below level 2", "NE": "EIF: found not effective"}.get(
            eif, f"EIF {eif}"
        )
    elif hexagon is not None and _hexagon_rank(hexagon) is not None:
        rank = _hexagon_rank(hexagon)
        label = f"Hexagon evidence {hexagon}"
    elif cebc in _CEBC_RANK:
        assert cebc is not None
        rank = _CEBC_RANK[cebc]
        label = "CEBC: not able to be rated" if cebc == "NR" else f"CEBC {cebc}"
    if ratings.get("nice") == "recommended" and (rank is None or rank < NICE_RANK_FLOOR):
        rank = NICE_RANK_FLOOR
        label = "Recommended by NICE"
    if rank is None:
        return UNRATED_RANK, "Not rated"
    return rank, label


def evidence_rank(data: dict[str, Any]) -> float:
    """A number for ordering entries by evidence, highest first.

    The rule, in order:

    1. An EIF evidence rating decides: "4+" = 4.5, "4" = 4, "3+" = 3.5, "3" = 3,
       "2+" = 2.5, "2" = 2, "NL2" = 1, "NE" = 0.
    2. With no EIF rating (or "NA"), a Hexagon evidence rating is used the same way:
       the number, plus 0.5 for a "+" ("3+" = 3.5).
    3. Otherwise a CEBC rating, where lower is stronger: 1 = 4, 2 = 3, 3 = 2,
       NR = 1, and 4 or 5 (no effect, or concerning) = 0.
    4. A NICE recommendation counts as at least 3, whatever came before.
    5. An entry with none of these is unrated: 0.5, above entries found not to
       work (0) and below any preliminary evidence.

    Cost ratings and Hexagon usability and supports do not affect the order.
    """
    return _ranked(data)[0]


def evidence_label(data: dict[str, Any]) -> str:
    """The rating behind evidence_rank in words: "EIF 3+", "Recommended by NICE", "Not rated"."""
    return _ranked(data)[1]


# Age ------------------------------------------------------------------------


def _age_parts(data: dict[str, Any]) -> tuple[bool, int | None, int | None]:
    age = data.get("age")
    if not isinstance(age, dict):
        return False, None, None
    antenatal = age.get("antenatal") is True
    lower, upper = age.get("from_months"), age.get("to_months")
    return (
        antenatal,
        lower if _is_int(lower) else None,
        upper if _is_int(upper) else None,
    )


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


def _upper(n: int) -> str:
    # An inclusive upper bound of 83 months covers children aged 6, so "to 6 years".
    if n < 24:
        return _months(n)
    return f"{n // 12} years"


def _lower(n: int) -> str:
    if n >= 24 and n % 12 == 0:
        return f"{n // 12} years"
    return _months(n)


def age_label(data: dict[str, Any]) -> str:
    """The age range in words: "Pregnancy to 12 months", "Under 6 months", "Any age"."""
    antenatal, lower, upper = _age_parts(data)
    if antenatal:
        if upper is None:
            return "From pregnancy"
        if upper == 0:
            return "Pregnancy to birth"
        return f"Pregnancy to {_upper(upper)}"
    if not lower:
        if upper is None:
            return "Any age" if lower is None else "From birth"
        if upper < 12:
            return f"Under {_months(upper + 1)}"
        return f"Birth to {_upper(upper)}"
    if upper is None:
        return f"From {_lower(lower)}"
    return f"From {_lower(lower)} to {_upper(upper)}"


def fits_age(data: dict[str, Any], *, pregnant: bool, baby_months: float | None) -> bool:
    """Whether the entry suits a family expecting a baby, or with a baby of this age.

    A pregnancy fits an entry marked antenatal. A baby fits when its age in whole
    completed months lies within from_months..to_months (both inclusive; a missing
    bound is no bound). Either match is enough, so a parent who is pregnant and has
    a baby is matched on both. With neither a pregnancy nor an age there is nothing
    to rule the entry out, so it fits.
    """
    antenatal, lower, upper = _age_parts(data)
    if not pregnant and baby_months is None:
        return True
    if pregnant and antenatal:
        return True
    if baby_months is None:
        return False
    completed = math.floor(baby_months)
    if completed < 0:
        return False
    if lower is not None and completed < lower:
        return False
    return not (upper is not None and completed > upper)


# Validation ------------------------------------------------------------------


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_str_list(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _looks_like_local_path(text: str) -> bool:
    stripped = text.strip()
    return (
        stripped.startswith(("/", "./", "../", "~/", "file:"))
        or "/work/" in stripped
        or "seeds/" in stripped
        or bool(re.search(r"\.(txt|md|json)$", stripped))
    )


def _check_keys(
    where: str, value: dict[str, Any], expected: tuple[str, ...], problems: list[str]
) -> None:
    for key in value:
        if key not in expected:
            problems.append(f"{where}: unknown key '{key}'")
    for key in expected:
        if key not in value:
            problems.append(f"{where}: missing key '{key}'")


def _check_str(where: str, value: object, problems: list[str], *, required: bool = False) -> None:
    if not isinstance(value, str):
        problems.append(f"{where}: must be text, not {type(value).__name__}")
    elif required and not value.strip():
        problems.append(f"{where}: must not be empty")


def _check_str_list(where: str, value: object, problems: list[str]) -> None:
    if not _is_str_list(value):
        problems.append(f"{where}: must be a list of text")
        return
    assert isinstance(value, list)
    for index, item in enumerate(value):
        if not item.strip():
            problems.append(f"{where}[{index}]: must not be empty")


def _check_subset(where: str, value: object, allowed: tuple[str, ...], problems: list[str]) -> None:
    if not _is_str_list(value):
        problems.append(f"{where}: must be a list of text")
        return
    assert isinstance(value, list)
    for item in value:
        if item not in allowed:
            problems.append(f"{where}: '{item}' is not one of {', '.join(allowed)}")
    if len(set(value)) != len(value):
        problems.append(f"{where}: lists a value more than once")


def _check_count(where: str, value: object, problems: list[str], *, minimum: int = 0) -> None:
    if value is None:
        return
    if not _is_int(value):
        problems.append(f"{where}: must be a whole number or null, not {type(value).__name__}")
    elif isinstance(value, int) and value < minimum:
        problems.append(f"{where}: {value} is below {minimum}")


def _check_choice(where: str, value: object, allowed: tuple[str, ...], problems: list[str]) -> None:
    if value not in allowed:
        problems.append(f"{where}: {value!r} is not one of {', '.join(allowed)}")


def _check_age(value: object, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append("age: must be an object")
        return
    _check_keys("age", value, ("antenatal", "from_months", "to_months"), problems)
    if "antenatal" in value and not isinstance(value["antenatal"], bool):
        problems.append("age: antenatal must be true or false")
    lower, upper = value.get("from_months"), value.get("to_months")
    _check_count("age: from_months", lower, problems)
    _check_count("age: to_months", upper, problems)
    if _is_int(lower) and _is_int(upper) and lower > upper:
        problems.append(f"age: from_months {lower} is after to_months {upper}")
    if value.get("antenatal") is True and _is_int(lower) and lower > 0:
        problems.append(
            f"age: antenatal is true but from_months is {lower}; "
            "an antenatal range runs on from birth, so use null or 0"
        )


def _check_delivery(value: object, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append("delivery: must be an object")
        return
    _check_keys(
        "delivery",
        value,
        ("formats", "settings", "sessions", "session_minutes", "duration", "description"),
        problems,
    )
    if "formats" in value:
        _check_subset("delivery: formats", value["formats"], FORMATS, problems)
    if "settings" in value:
        _check_subset("delivery: settings", value["settings"], SETTINGS, problems)
    sessions = value.get("sessions")
    if "sessions" in value:
        if not isinstance(sessions, dict):
            problems.append("delivery: sessions must be an object with min and max")
        else:
            _check_keys("delivery: sessions", sessions, ("min", "max"), problems)
            low, high = sessions.get("min"), sessions.get("max")
            _check_count("delivery: sessions min", low, problems, minimum=1)
            _check_count("delivery: sessions max", high, problems, minimum=1)
            if _is_int(low) and _is_int(high) and low > high:
                problems.append(f"delivery: sessions min {low} is above max {high}")
    if "session_minutes" in value:
        _check_count("delivery: session_minutes", value["session_minutes"], problems, minimum=1)
    for key in ("duration", "description"):
        if key in value:
            _check_str(f"delivery: {key}", value[key], problems)


def _check_training(value: object, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append("training: must be an object")
        return
    _check_keys("training", value, ("hours", "cost", "where", "notes"), problems)
    if "hours" in value:
        _check_count("training: hours", value["hours"], problems, minimum=1)
    for key in ("cost", "where", "notes"):
        if key in value:
            _check_str(f"training: {key}", value[key], problems)


def _check_uk(value: object, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append("uk: must be an object")
        return
    _check_keys("uk", value, ("available", "tested"), problems)
    for key in ("available", "tested"):
        if key in value:
            _check_choice(f"uk: {key}", value[key], UK_VALUES, problems)


def _check_ratings(value: object, problems: list[str]) -> None:
    if not isinstance(value, list):
        problems.append("ratings: must be a list")
        return
    seen: set[str] = set()
    for index, rating in enumerate(value):
        where = f"ratings[{index}]"
        if not isinstance(rating, dict):
            problems.append(f"{where}: must be an object")
            continue
        _check_keys(where, rating, ("scheme", "value", "source"), problems)
        scheme, rated = rating.get("scheme"), rating.get("value")
        if scheme not in RATING_VALUES:
            problems.append(f"{where}: {scheme!r} is not a rating scheme")
        else:
            assert isinstance(scheme, str)
            allowed = RATING_VALUES[scheme]
            if not isinstance(rated, str) and str(rated) in allowed:
                problems.append(f"{where}: value must be text ('{rated}'), not a number")
            elif rated not in allowed:
                problems.append(f"{where}: {rated} is not a {scheme} value")
            if scheme in seen:
                problems.append(f"{where}: a second {scheme} rating; give each scheme once")
            seen.add(scheme)
        source = rating.get("source")
        if "source" in rating:
            if not isinstance(source, str) or not source.strip():
                problems.append(f"{where}: has no source")
            elif _looks_like_local_path(source):
                problems.append(f"{where}: source looks like a local file path; name the document")


def _check_outcomes(value: object, problems: list[str]) -> None:
    if not isinstance(value, dict):
        problems.append("outcomes: must be an object")
        return
    _check_keys("outcomes", value, ("children", "parents"), problems)
    for key in ("children", "parents"):
        if key in value:
            _check_str_list(f"outcomes: {key}", value[key], problems)


def _check_studies(value: object, problems: list[str]) -> None:
    if not isinstance(value, list):
        problems.append("studies: must be a list")
        return
    for index, study in enumerate(value):
        where = f"studies[{index}]"
        if not isinstance(study, dict):
            problems.append(f"{where}: must be an object")
            continue
        _check_keys(where, study, ("citation", "design", "country", "sample_size"), problems)
        if "citation" in study:
            _check_str(f"{where}: citation", study["citation"], problems, required=True)
        if "design" in study:
            _check_choice(f"{where}: design", study["design"], STUDY_DESIGNS, problems)
        if "country" in study:
            _check_str(f"{where}: country", study["country"], problems)
        if "sample_size" in study:
            _check_count(f"{where}: sample_size", study["sample_size"], problems, minimum=1)


def _check_fidelity_checklist(value: object, problems: list[str]) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        problems.append("fidelity_checklist: must be an object or null")
        return
    _check_keys(
        "fidelity_checklist",
        value,
        ("core_components", "expected_sessions", "expected_phases", "supervision_required"),
        problems,
    )
    if "core_components" in value:
        _check_str_list("fidelity_checklist: core_components", value["core_components"], problems)
    for key in ("expected_sessions", "expected_phases"):
        if key in value:
            _check_count(f"fidelity_checklist: {key}", value[key], problems, minimum=1)
    if "supervision_required" in value:
        _check_str(
            "fidelity_checklist: supervision_required", value["supervision_required"], problems
        )


def _is_empty_fact(field: str, value: object) -> bool:
    """Whether a fact field holds nothing, so it needs no source."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    if not isinstance(value, dict):
        return False
    if field == "age":
        return (
            value.get("antenatal") is not True
            and value.get("from_months") is None
            and value.get("to_months") is None
        )
    if field == "uk":
        return value.get("available") == "unknown" and value.get("tested") == "unknown"
    if field == "delivery":
        sessions = value.get("sessions")
        no_sessions = not isinstance(sessions, dict) or (
            sessions.get("min") is None and sessions.get("max") is None
        )
        return (
            not value.get("formats")
            and not value.get("settings")
            and no_sessions
            and value.get("session_minutes") is None
            and not str(value.get("duration") or "").strip()
            and not str(value.get("description") or "").strip()
        )
    # training, outcomes and the fidelity checklist: empty when every part is.
    return all(_is_empty_fact(field, part) for part in value.values())


def _check_sources(data: dict[str, Any], problems: list[str]) -> None:
    sources = data.get("sources")
    if not isinstance(sources, dict):
        problems.append("sources: must be an object of field name to source")
        return
    for field, source in sources.items():
        if field not in SOURCED_FIELDS:
            problems.append(f"sources: '{field}' is not a field that takes a source")
        elif not isinstance(source, str) or not source.strip():
            problems.append(f"sources: {field} has an empty source")
        elif _looks_like_local_path(source):
            problems.append(
                f"sources: {field} looks like a local file path; name the original document"
            )
    for field in SOURCED_FIELDS:
        if field in data and not _is_empty_fact(field, data[field]) and field not in sources:
            problems.append(f"sources: {field} has no source")


def validate_entry(data: dict[str, Any]) -> list[str]:
    """Every problem with one entry, each a sentence naming the field; empty when valid."""
    if not isinstance(data, dict):
        return [f"entry: must be an object, not {type(data).__name__}"]
    problems: list[str] = []
    _check_keys("entry", data, ENTRY_KEYS, problems)

    slug = data.get("slug")
    if "slug" in data and (not isinstance(slug, str) or not _SLUG_RE.match(slug)):
        problems.append(
            f"slug: {slug!r} must be lower-case letters and digits in words joined by "
            "single hyphens, such as 'watch-wait-and-wonder'"
        )
    if "name" in data:
        _check_str("name", data["name"], problems, required=True)
    if "aliases" in data:
        _check_str_list("aliases", data["aliases"], problems)
    if "kind" in data:
        _check_choice("kind", data["kind"], KINDS, problems)
        if slug in INTERVENTION_SLUGS and data["kind"] != "intervention":
            problems.append(
                f"kind: {slug} is one of the fixed interventions, so must be intervention"
            )
        if slug in ASSESSMENT_TOOL_SLUGS and data["kind"] != "assessment_tool":
            problems.append(
                f"kind: {slug} is one of the fixed assessment tools, so must be assessment_tool"
            )
    for key in ("developer", "practitioner", "supervision", "fidelity", "licence"):
        if key in data:
            _check_str(key, data[key], problems)
    if "provider_url" in data:
        url = data["provider_url"]
        _check_str("provider_url", url, problems)
        if isinstance(url, str) and url and not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            problems.append(f"provider_url: {url!r} must be a full web address starting https://")
    if "summary" in data:
        summary = data["summary"]
        _check_str("summary", summary, problems)
        if isinstance(summary, str) and len(summary.split()) > SUMMARY_MAX_WORDS:
            problems.append(
                f"summary: {len(summary.split())} words is over the limit of {SUMMARY_MAX_WORDS}"
            )
    if "classification" in data:
        _check_choice("classification", data["classification"], CLASSIFICATIONS, problems)
    if "needs" in data:
        _check_subset("needs", data["needs"], NEEDS, problems)
    if "recipients" in data:
        _check_subset("recipients", data["recipients"], RECIPIENTS, problems)
    if "age" in data:
        _check_age(data["age"], problems)
    if "delivery" in data:
        _check_delivery(data["delivery"], problems)
    if "training" in data:
        _check_training(data["training"], problems)
    if "uk" in data:
        _check_uk(data["uk"], problems)
    if "ratings" in data:
        _check_ratings(data["ratings"], problems)
    if "outcomes" in data:
        _check_outcomes(data["outcomes"], problems)
    if "studies" in data:
        _check_studies(data["studies"], problems)
    if "references" in data:
        _check_str_list("references", data["references"], problems)
    if "fidelity_checklist" in data:
        _check_fidelity_checklist(data["fidelity_checklist"], problems)
    if "sources" in data:
        _check_sources(data, problems)
    return problems


def validate_all(entries: list[dict[str, Any]]) -> list[str]:
    """Every problem across a list of entries, each prefixed with its slug; slugs must be unique."""
    if not isinstance(entries, list):
        return [f"entries: must be a list, not {type(entries).__name__}"]
    problems: list[str] = []
    counts: dict[str, int] = {}
    for index, entry in enumerate(entries):
        slug = entry.get("slug") if isinstance(entry, dict) else None
        label = slug if isinstance(slug, str) and slug else f"entry {index}"
        problems.extend(f"{label}: {problem}" for problem in validate_entry(entry))
        if isinstance(slug, str):
            counts[slug] = counts.get(slug, 0) + 1
    for slug, count in counts.items():
        if count > 1:
            problems.append(f"slug: '{slug}' is used by {count} entries; slugs must be unique")
    return problems


# Data files --------------------------------------------------------------------


def _read_data(name: str) -> Any:
    text = resources.files("attune.catalogue").joinpath("data", name).read_text(encoding="utf-8")
    return json.loads(text)


def load_entries() -> list[dict[str, Any]]:
    """The seeded directory entries (a fresh copy on each call)."""
    entries = _read_data("interventions.json")
    if not isinstance(entries, list):
        raise ValueError("interventions.json must hold a JSON list")
    return entries


def load_hexagon() -> dict[str, Any]:
    """The six NIRN Hexagon indicators with their guiding questions and anchors."""
    hexagon = _read_data("hexagon.json")
    if not isinstance(hexagon, dict):
        raise ValueError("hexagon.json must hold a JSON object")
    return hexagon
