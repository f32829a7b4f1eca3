"""Pure scoring: answers in, a `ScoreResult` out. No database, no Django.

Answers are keyed "item1".."itemN" (or by score-field code for entry "scores"). An item
answer is the response as marked on the printed form, in printed order; reverse-printed
items are turned into item scores here and nowhere else, so callers never reverse twice.
`item_scores=True` says the values are item scores already (a spreadsheet of scores).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from attune.measures.instruments import Definition, RiskRule, Subscale

NOT_APPLICABLE = "na"

ASQ_CATEGORIES = {
    0: "Below the monitoring zone",
    1: "In the monitoring zone",
    2: "At or above the cut-off",
}


class InvalidAnswers(ValueError):
    """Answers that cannot be scored as given. `errors` maps answer key to a message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__("; ".join(self.errors.values()))


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    item: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "item": self.item}


@dataclass(frozen=True)
class ScoreResult:
    definition_code: str
    definition_version: str
    status: str
    reasons: tuple[str, ...] = ()
    total: float | None = None
    metric: float | None = None
    subscales: dict[str, float | None] = field(default_factory=dict)
    band: str | None = None
    caseness: bool | None = None
    flags: tuple[Flag, ...] = ()
    prorated: bool = False
    item_scores: dict[str, int | float | None] = field(default_factory=dict)
    # For change_kind "category": the level the change is judged on (DC:0-5 Part A level;
    # ASQ:SE-2 screen status 0 below monitoring, 1 monitoring, 2 at or above the cut-off).
    category: int | None = None

    @property
    def primary(self) -> float | None:
        return self.metric if self.metric is not None else self.total

    @property
    def scored(self) -> bool:
        return self.status == "scored"

    def to_dict(self) -> dict[str, Any]:
        return {
            "definition_code": self.definition_code,
            "definition_version": self.definition_version,
            "status": self.status,
            "reasons": list(self.reasons),
            "total": self.total,
            "metric": self.metric,
            "subscales": dict(self.subscales),
            "band": self.band,
            "caseness": self.caseness,
            "flags": [f.to_dict() for f in self.flags],
            "prorated": self.prorated,
            "item_scores": dict(self.item_scores),
            "category": self.category,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreResult:
        return cls(
            definition_code=data["definition_code"],
            definition_version=data["definition_version"],
            status=data["status"],
            reasons=tuple(data.get("reasons", ())),
            total=data.get("total"),
            metric=data.get("metric"),
            subscales=dict(data.get("subscales", {})),
            band=data.get("band"),
            caseness=data.get("caseness"),
            flags=tuple(
                Flag(code=f["code"], message=f["message"], item=f.get("item"))
                for f in data.get("flags", ())
            ),
            prorated=bool(data.get("prorated", False)),
            item_scores=dict(data.get("item_scores", {})),
            category=data.get("category"),
        )


# ---------------------------------------------------------------------------------------------
# Per-definition lookups, built once: the command line scores 100,000 rows with the same one.


@dataclass
class _Plan:
    keys: dict[str, int]
    mins: list[int]
    maxs: list[int]
    allowed: list[frozenset[int]]
    reverse: list[bool]
    na_allowed: list[bool]
    na_score: list[int | None]
    sub_indexes: list[tuple[Subscale, list[int]]]
    ranges: list[str]
    subscale_by_code: dict[str, tuple[Subscale, list[int]]]


_PLANS: dict[int, tuple[Definition, _Plan]] = {}


def _plan(definition: Definition) -> _Plan:
    cached = _PLANS.get(id(definition))
    if cached is not None and cached[0] is definition:
        return cached[1]
    if definition.entry == "scores":
        keys = {f.code: i for i, f in enumerate(definition.score_fields)}
        plan = _Plan(keys, [], [], [], [], [], [], [], [], {})
    else:
        items = definition.items
        subs = [(sub, [n - 1 for n in sub.items]) for sub in definition.subscales]
        plan = _Plan(
            keys={item.key: i for i, item in enumerate(items)},
            mins=[item.min for item in items],
            maxs=[item.max for item in items],
            allowed=[frozenset(o.value for o in item.options) for item in items],
            reverse=[item.reverse for item in items],
            na_allowed=[item.allows_not_applicable for item in items],
            na_score=[item.not_applicable_score for item in items],
            sub_indexes=subs,
            ranges=[f"{item.min}-{item.max}" for item in items],
            subscale_by_code={sub.code: (sub, idx) for sub, idx in subs},
        )
    if len(_PLANS) > 256:  # team definitions are few; this only bounds a long-lived process
        _PLANS.clear()
    _PLANS[id(definition)] = (definition, plan)
    return plan


_NA = object()


def _parse_whole(value: object) -> int | object | str | None:
    """An int, _NA, None (missing) or an error fragment (str) for one answer."""
    if value is None:
        return None
    if isinstance(value, bool):
        return f"{value!r} is not a whole number"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)
        return f"{value:g} is not a whole number"
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.lower() == NOT_APPLICABLE:
            return _NA
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return f"{value!r} is not a whole number"
        if number.is_integer():
            return int(number)
        return f"{text} is not a whole number"
    return f"{value!r} is not a whole number"


def _parse_number(value: object) -> float | object | str | None:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.lower() == NOT_APPLICABLE:
            return _NA
        try:
            number = float(text)
        except ValueError:
            return f"{value!r} is not a number"
        return number if math.isfinite(number) else f"{value!r} is not a number"
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} is not a number"
    if isinstance(value, float) and math.isnan(value):
        return None
    return float(value)


def _unknown_key_message(definition: Definition, key: str) -> str:
    keys = definition.answer_keys
    expected = f"{keys[0]}-{keys[-1]}" if definition.entry != "scores" else ", ".join(keys)
    return f"{key!r} is not an answer for {definition.short_name} (expected {expected})"


def _read_items(
    definition: Definition, plan: _Plan, answers: Mapping[str, object], item_scores: bool
) -> tuple[list[int | None], list[bool], dict[str, str]]:
    """Item scores (reverse applied, NA substituted), which were NA, and errors."""
    n = len(plan.mins)
    scores: list[int | None] = [None] * n
    na: list[bool] = [False] * n
    errors: dict[str, str] = {}
    keys = plan.keys
    for key, value in answers.items():
        index = keys.get(key)
        if index is None:
            if value is None or value == "":
                continue  # an empty extra column is harmless
            errors[key] = _unknown_key_message(definition, key)
            continue
        parsed = _parse_whole(value)
        if parsed is None:
            continue
        number = index + 1
        if parsed is _NA:
            if not plan.na_allowed[index]:
                errors[key] = f"item {number}: 'not applicable' is not allowed for this item"
                continue
            na[index] = True
            scores[index] = plan.na_score[index]
            continue
        if isinstance(parsed, str):
            errors[key] = f"item {number}: {parsed}"
            continue
        assert isinstance(parsed, int)
        if parsed < plan.mins[index] or parsed > plan.maxs[index]:
            errors[key] = f"item {number}: {parsed} is outside {plan.ranges[index]}"
            continue
        if parsed not in plan.allowed[index]:
            values = ", ".join(str(v) for v in sorted(plan.allowed[index]))
            errors[key] = f"item {number}: {parsed} is not one of {values}"
            continue
        if plan.reverse[index] and not item_scores:
            parsed = plan.mins[index] + plan.maxs[index] - parsed
        scores[index] = parsed
    return scores, na, errors


def _read_fields(
    definition: Definition, plan: _Plan, answers: Mapping[str, object]
) -> tuple[list[float | None], dict[str, str]]:
    fields = definition.score_fields
    values: list[float | None] = [None] * len(fields)
    errors: dict[str, str] = {}
    for key, value in answers.items():
        index = plan.keys.get(key)
        if index is None:
            if value is None or value == "":
                continue
            errors[key] = _unknown_key_message(definition, key)
            continue
        f = fields[index]
        parsed = _parse_whole(value) if f.whole_number else _parse_number(value)
        if parsed is None:
            continue
        if parsed is _NA:
            errors[key] = f"{f.code}: 'not applicable' is not allowed for a score"
            continue
        if isinstance(parsed, str):
            errors[key] = f"{f.code}: {parsed}"
            continue
        assert isinstance(parsed, int | float)
        number = float(parsed)
        if number < f.min or number > f.max:
            errors[key] = f"{f.code}: {_fmt(number)} is outside {_fmt(f.min)}-{_fmt(f.max)}"
            continue
        if f.allowed and int(number) not in f.allowed:
            allowed = ", ".join(str(v) for v in f.allowed)
            errors[key] = f"{f.code}: {_fmt(number)} is not one of {allowed}"
            continue
        if f.multiple_of and int(number) % f.multiple_of:
            errors[key] = f"{f.code}: {_fmt(number)} is not a multiple of {f.multiple_of}"
            continue
        values[index] = number
    scoring = definition.scoring
    if scoring.total_field and scoring.total_from and scoring.total_field not in errors:
        total = values[plan.keys[scoring.total_field]]
        parts = [values[plan.keys[c]] for c in scoring.total_from]
        if total is not None and all(p is not None for p in parts):
            expected = sum(p for p in parts if p is not None)
            if abs(expected - total) > 1e-9:
                names = " + ".join(scoring.total_from)
                errors[scoring.total_field] = (
                    f"{scoring.total_field}: {_fmt(total)} does not equal "
                    f"{names} = {_fmt(expected)}"
                )
    return values, errors


def validate_answers(
    definition: Definition, answers: Mapping[str, object], *, item_scores: bool = False
) -> dict[str, str]:
    """Per-key problems with the answers; empty when they can be scored. Missing is fine."""
    plan = _plan(definition)
    if definition.entry == "scores":
        return _read_fields(definition, plan, answers)[1]
    return _read_items(definition, plan, answers, item_scores)[2]


def score(
    definition: Definition, answers: Mapping[str, object], *, item_scores: bool = False
) -> ScoreResult:
    plan = _plan(definition)
    if definition.entry == "scores":
        values, errors = _read_fields(definition, plan, answers)
        if errors:
            raise InvalidAnswers(errors)
        return _score_fields(definition, plan, values)
    scores, na, errors = _read_items(definition, plan, answers, item_scores)
    if errors:
        raise InvalidAnswers(errors)
    return _score_items(definition, plan, scores, na)


# ---------------------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _join_numbers(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return str(numbers[0])
    return ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"


def _missing_reason(missing: list[int], allowed: int, what: str = "this questionnaire") -> str:
    noun = "Item" if len(missing) == 1 else "Items"
    verb = "is" if len(missing) == 1 else "are"
    if allowed == 0:
        rule = f"{what} is not scored when any item is missing"
    else:
        limit = "1 item is" if allowed == 1 else f"{allowed} items are"
        rule = f"{what} is not scored when more than {limit} missing"
    return f"{noun} {_join_numbers(missing)} {verb} missing; {rule}."


def _band_label(definition: Definition, value: float | None) -> str | None:
    # A band runs from its min up to the next band's min, so a prorated or mean score that
    # falls between two printed bands (CORE-10 10.6) stays in the lower one.
    if value is None or not definition.bands:
        return None
    label = None
    for band in definition.bands:
        if value >= band.min - 1e-9:
            label = band.label
        else:
            break
    return label


def _score_items(
    definition: Definition, plan: _Plan, scores: list[int | None], na: list[bool]
) -> ScoreResult:
    scoring = definition.scoring
    method = scoring.method
    n = len(scores)
    missing = [i + 1 for i in range(n) if scores[i] is None and not na[i]]
    values = [v for v in scores if v is not None]
    reasons: list[str] = []
    total: float | None = None
    prorated = False

    if method in ("sum", "sum_scaled", "mean"):
        if len(missing) > scoring.prorate_max_missing:
            reasons.append(_missing_reason(missing, scoring.prorate_max_missing))
        elif len(values) < scoring.min_answered:
            reasons.append(f"At least {scoring.min_answered} answers are needed to score.")
        else:
            prorated = bool(missing)
            mean = sum(values) / len(values)
            if method == "sum":
                total = float(sum(values)) if not missing else mean * n
            elif method == "sum_scaled":
                total = mean * (scoring.scale or 1.0)
            else:
                total = mean
    elif method == "mean_of_rated":
        if len(missing) > scoring.prorate_max_missing:
            reasons.append(_missing_reason(missing, scoring.prorate_max_missing))
        elif len(values) < scoring.min_answered:
            rated = "item was" if len(values) == 1 else "items were"
            reasons.append(
                f"Only {len(values)} {rated} rated; at least {scoring.min_answered} "
                "rated items are needed for a score."
            )
        else:
            total = sum(values) / len(values)

    subscales: dict[str, float | None] = {}
    flags: list[Flag] = []
    for sub, indexes in plan.sub_indexes:
        sub_missing = [i + 1 for i in indexes if scores[i] is None and not na[i]]
        sub_values = [scores[i] for i in indexes if scores[i] is not None]
        value: float | None = None
        if sub_missing:
            if method == "none" or total is not None:
                reasons.append(f"{sub.name}: " + _missing_reason(sub_missing, 0, "it"))
        elif sub_values:
            total_sub = float(sum(v for v in sub_values if v is not None))
            value = total_sub if sub.method == "sum" else total_sub / len(sub_values)
        subscales[sub.code] = value
        if value is not None and sub.cutoff is not None and sub.cutoff.in_range(value):
            side = "at or above" if sub.cutoff.rule == ">=" else "at or below"
            flags.append(
                Flag(
                    code=f"cutoff_{sub.code}",
                    message=f"{sub.name} is {_fmt(value)}, {side} the cut-off of "
                    f"{_fmt(sub.cutoff.value)}.",
                )
            )

    metric = None
    if definition.conversion is not None and total is not None and not prorated:
        metric = definition.conversion.convert(round(total))

    primary = metric if metric is not None else total
    cutoff = definition.clinical_cutoff
    caseness = cutoff.in_range(primary) if cutoff is not None and primary is not None else None

    for rule in definition.risk_rules:
        if _risk_fires(definition, plan, rule, scores, na, subscales, primary):
            flags.insert(0, Flag(code=rule.code, message=rule.message, item=rule.item))

    if method == "none":
        status = (
            "scored"
            if subscales and all(v is not None for v in subscales.values())
            else ("unscored")
        )
    else:
        status = "scored" if total is not None else "unscored"
    item_scores: dict[str, int | float | None] = {f"item{i + 1}": scores[i] for i in range(n)}
    return ScoreResult(
        definition_code=definition.code,
        definition_version=definition.version,
        status=status,
        reasons=tuple(reasons),
        total=total,
        metric=metric,
        subscales=subscales,
        band=_band_label(definition, primary),
        caseness=caseness,
        flags=tuple(flags),
        prorated=prorated,
        item_scores=item_scores,
        category=_category(definition, primary),
    )


def _risk_fires(
    definition: Definition,
    plan: _Plan,
    rule: RiskRule,
    scores: list[int | None],
    na: list[bool],
    subscales: Mapping[str, float | None],
    primary: float | None,
) -> bool:
    """Whether a risk rule is met by the answers given, even if others are missing.

    A rule on a part-answered sum fires when no way of answering the rest could undo it, so
    an unscored form still raises the flag as soon as the answered items show the risk.
    """
    if rule.item is not None:
        index = rule.item - 1
        value = scores[index]
        return value is not None and not na[index] and rule.matches(value)
    if rule.subscale is not None:
        sub, indexes = plan.subscale_by_code[rule.subscale]
        full = subscales.get(rule.subscale)
        if full is not None:
            return bool(rule.matches(full))
        if sub.method != "sum":
            return False
        return _bounds_match(rule, plan, scores, indexes)
    if rule.score:
        if primary is not None:
            return bool(rule.matches(primary))
        if definition.scoring.method == "sum":
            return _bounds_match(rule, plan, scores, list(range(len(scores))))
    return False


def _bounds_match(
    rule: RiskRule, plan: _Plan, scores: list[int | None], indexes: list[int]
) -> bool:
    answered = [scores[i] for i in indexes if scores[i] is not None]
    if not answered:
        return False
    known = sum(v for v in answered if v is not None)
    low = known + sum(plan.mins[i] for i in indexes if scores[i] is None)
    high = known + sum(plan.maxs[i] for i in indexes if scores[i] is None)
    return bool(rule.matches(low) and rule.matches(high))


def _category(definition: Definition, primary: float | None) -> int | None:
    if definition.change_kind != "category" or primary is None:
        return None
    return round(primary)


def _score_fields(definition: Definition, plan: _Plan, values: list[float | None]) -> ScoreResult:
    scoring = definition.scoring
    by_code = {f.code: values[i] for i, f in enumerate(definition.score_fields)}
    reasons: list[str] = []
    for f in definition.score_fields:
        if f.required and by_code[f.code] is None and f.code != scoring.total_field:
            reasons.append(f"{f.label} ({f.code}) is missing.")

    total: float | None = None
    if scoring.method == "entered" and scoring.total_field:
        total = by_code.get(scoring.total_field)
        if total is None and scoring.total_from:
            parts = [by_code.get(c) for c in scoring.total_from]
            if all(p is not None for p in parts):
                total = float(sum(p for p in parts if p is not None))
        if total is None:
            label = next(f.label for f in definition.score_fields if f.code == scoring.total_field)
            how = (
                f" (enter it, or all of {', '.join(scoring.total_from)})"
                if scoring.total_from
                else ""
            )
            reasons.insert(0, f"{label} ({scoring.total_field}) is missing{how}.")
    risk_total = total  # risk is judged on what was entered, even if the result is unscored
    if reasons:
        total = None

    subscales = {sub.code: by_code.get(sub.code) for sub in definition.subscales}
    flags: list[Flag] = []
    for sub in definition.subscales:
        value = subscales[sub.code]
        if value is not None and sub.cutoff is not None and sub.cutoff.in_range(value):
            side = "at or above" if sub.cutoff.rule == ">=" else "at or below"
            flags.append(
                Flag(
                    code=f"cutoff_{sub.code}",
                    message=f"{sub.name} is {_fmt(value)}, {side} the cut-off of "
                    f"{_fmt(sub.cutoff.value)}.",
                )
            )

    band = _band_label(definition, total)
    cutoff = definition.clinical_cutoff
    caseness = cutoff.in_range(total) if cutoff is not None and total is not None else None
    category = _category(definition, total)

    if "interval_months" in by_code:
        band, caseness, category = None, None, None
        months = by_code["interval_months"]
        if total is not None and months is not None:
            found = next(
                (ic for ic in definition.interval_cutoffs if ic.interval_months == int(months)),
                None,
            )
            if found is None:
                reasons.append(
                    f"No cut-off configured for this interval ({int(months)} months): enter "
                    "the cut-offs from your licensed User's Guide in a new version of the "
                    "definition to see screen status."
                )
            else:
                if total >= found.cutoff:
                    category = 2
                elif found.monitoring_from is not None and total >= found.monitoring_from:
                    category = 1
                else:
                    category = 0
                band = ASQ_CATEGORIES[category]
                caseness = category == 2

    for rule in definition.risk_rules:
        judged: float | None = None
        if rule.score:
            judged = risk_total
        elif rule.subscale is not None:
            judged = subscales.get(rule.subscale)
        if judged is not None and rule.matches(judged):
            flags.insert(0, Flag(code=rule.code, message=rule.message, item=None))

    entered: dict[str, int | float | None] = {
        code: (int(v) if v is not None and v.is_integer() else v) for code, v in by_code.items()
    }
    return ScoreResult(
        definition_code=definition.code,
        definition_version=definition.version,
        status="scored" if total is not None else "unscored",
        reasons=tuple(reasons),
        total=total,
        metric=None,
        subscales=subscales,
        band=band,
        caseness=caseness,
        flags=tuple(flags),
        prorated=False,
        item_scores=entered,
        category=category,
    )
