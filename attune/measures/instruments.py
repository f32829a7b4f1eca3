"""Instrument definitions as versioned data: the model, its validation and its JSON form.

A definition says everything scoring and change need to know about one version of one
instrument: its items and response scales, which items are printed in reverse, subscales,
bands, cut-offs, reliable change, risk rules and licence. Shipped definitions live in
`definitions/<code>-v<version>.json`; teams will add their own through the admin, so
`Definition.from_dict` checks every key and reports every problem it finds at once, in
words a clinician writing JSON can act on. See docs/measures-instruments.md.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

RESPONDENTS = ("carer", "carer_about_baby", "observer", "clinician")
SUBJECTS = ("carer", "baby", "relationship")
ENTRIES = ("items", "items_hidden", "scores")
DIRECTIONS = ("higher_worse", "higher_better")
# "mixed" is only for a definition without a total (MORS-SF, PRFQ) or for a subscale such as
# PRFQ certainty, where both very low and very high scores are of concern.
SUBSCALE_DIRECTIONS = (*DIRECTIONS, "mixed")
CHANGE_KINDS = ("score", "category")
ITEM_METHODS = ("sum", "mean", "sum_scaled", "mean_of_rated", "none")
SCORE_METHODS = ("entered", "none")
SUBSCALE_METHODS = ("sum", "mean")
CUTOFF_RULES = (">=", "<=")
CONFIDENCES = (95, 90)
LICENCE_KINDS = (
    "public_domain",
    "open_licence",
    "free_with_conditions",
    "licence_required",
    "proprietary",
)
SENDABLE_RESPONDENTS = frozenset({"carer", "carer_about_baby"})
# ASQ:SE-2 forms exist for these ages (months); a definition may narrow them, not add to them.
ASQ_INTERVALS = (2, 6, 12, 18, 24, 30, 36, 48, 60)

_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")


class DefinitionError(ValueError):
    """A definition that cannot be used. `messages` lists every problem found."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages: list[str] = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    number: int
    text: str | None
    options: tuple[Option, ...]
    reverse: bool = False
    allows_not_applicable: bool = False
    not_applicable_score: int | None = None
    not_applicable_label: str | None = None

    @property
    def min(self) -> int:
        return self.options[0].value

    @property
    def max(self) -> int:
        return self.options[-1].value

    @property
    def key(self) -> str:
        return f"item{self.number}"


@dataclass(frozen=True)
class ScoreField:
    """One number entered for a definition whose entry is "scores" (e.g. a PSI-4-SF subscale)."""

    code: str
    label: str
    min: float
    max: float
    required: bool = True
    whole_number: bool = True
    allowed: tuple[int, ...] = ()
    multiple_of: int | None = None


@dataclass(frozen=True)
class Scoring:
    method: str
    prorate_max_missing: int = 0
    min_answered: int = 1
    total_label: str = "Total"
    scale: float | None = None
    # For entry "scores": the field that holds the primary score, and the fields that add up
    # to it when it is not entered (PSI-4-SF total stress = the three subscales).
    total_field: str | None = None
    total_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cutoff:
    value: float
    rule: str
    label: str
    source: str
    uncertain: bool = False

    def in_range(self, score: float) -> bool:
        """True when `score` is on the clinical side of the cut-off."""
        return score >= self.value if self.rule == ">=" else score <= self.value


@dataclass(frozen=True)
class Subscale:
    code: str
    name: str
    items: tuple[int, ...]
    method: str = "sum"
    direction: str = "higher_worse"
    cutoff: Cutoff | None = None
    uncertain: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conversion:
    """A lookup from whole raw totals to a converted score (SWEMWBS metric score)."""

    label: str
    table: tuple[tuple[int, float], ...]
    source: str
    uncertain: tuple[str, ...] = ()

    def convert(self, raw: int) -> float | None:
        for key, value in self.table:
            if key == raw:
                return value
        return None


@dataclass(frozen=True)
class Band:
    min: float
    max: float
    label: str
    source: str
    uncertain: bool = False


@dataclass(frozen=True)
class ReliableChange:
    threshold: float | None
    confidence: int
    source: str
    uncertain: bool = False
    sd: float | None = None
    reliability: float | None = None
    sd_source: str | None = None
    reliability_source: str | None = None


@dataclass(frozen=True)
class RiskRule:
    code: str
    message: str
    source: str
    item: int | None = None
    subscale: str | None = None
    score: bool = False
    at_least: float | None = None
    at_most: float | None = None

    def matches(self, value: float) -> bool:
        if self.at_least is not None and value < self.at_least:
            return False
        return not (self.at_most is not None and value > self.at_most)


@dataclass(frozen=True)
class IntervalCutoff:
    """ASQ:SE-2 style cut-off for one age interval; teams enter these from their licence."""

    interval_months: int
    cutoff: float
    source: str
    monitoring_from: float | None = None


@dataclass(frozen=True)
class Licence:
    kind: str
    detail: str
    wording_may_be_shown: bool
    attribution: str


@dataclass(frozen=True)
class Definition:
    code: str
    version: str
    name: str
    short_name: str
    measures: str
    respondent: str
    subject: str
    age_range: str
    entry: str
    items: tuple[Item, ...]
    score_fields: tuple[ScoreField, ...]
    scoring: Scoring
    subscales: tuple[Subscale, ...]
    conversion: Conversion | None
    bands: tuple[Band, ...]
    clinical_cutoff: Cutoff | None
    reliable_change: ReliableChange | None
    direction: str
    risk_rules: tuple[RiskRule, ...]
    licence: Licence
    citation: str
    sources: tuple[str, ...]
    uncertain: tuple[str, ...]
    change_kind: str = "score"
    intro: str | None = None
    goals: bool = False
    interval_cutoffs: tuple[IntervalCutoff, ...] = field(default=())

    @property
    def key(self) -> str:
        return f"{self.code}-v{self.version}"

    @property
    def has_wording(self) -> bool:
        return bool(self.items) and all(item.text for item in self.items)

    @property
    def can_send_to_parent(self) -> bool:
        # GBO goals are the family's own words, shown through the goals mechanism rather
        # than as fixed wording, so a goals definition is never "sendable" as a form.
        return (
            self.entry == "items"
            and not self.goals
            and self.has_wording
            and self.licence.wording_may_be_shown
            and self.respondent in SENDABLE_RESPONDENTS
        )

    @property
    def answer_keys(self) -> tuple[str, ...]:
        if self.entry == "scores":
            return tuple(f.code for f in self.score_fields)
        return tuple(item.key for item in self.items)

    @property
    def primary_range(self) -> tuple[float, float] | None:
        """Lowest and highest possible primary score (None when there is no total)."""
        if self.conversion is not None:
            values = [v for _, v in self.conversion.table]
            return (min(values), max(values))
        return _total_range(self.entry, self.items, self.score_fields, self.scoring)

    def subscale(self, code: str) -> Subscale:
        for sub in self.subscales:
            if sub.code == code:
                return sub
        raise KeyError(f"{self.key} has no subscale {code!r}")

    def item(self, number: int) -> Item:
        return self.items[number - 1]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Definition:
        return _Reader().definition(data)

    def to_dict(self) -> dict[str, Any]:
        return _definition_to_dict(self)


def _total_range(
    entry: str,
    items: Sequence[Item],
    fields: Sequence[ScoreField],
    scoring: Scoring,
) -> tuple[float, float] | None:
    method = scoring.method
    if method == "none":
        return None
    if entry == "scores":
        for f in fields:
            if f.code == scoring.total_field:
                return (f.min, f.max)
        return None
    if not items:
        return None
    if method == "sum":
        return (float(sum(i.min for i in items)), float(sum(i.max for i in items)))
    low, high = float(min(i.min for i in items)), float(max(i.max for i in items))
    if method == "sum_scaled":
        scale = scoring.scale or 1.0
        return (low * scale, high * scale)
    return (low, high)


def subscale_range(definition: Definition, sub: Subscale) -> tuple[float, float] | None:
    """Lowest and highest possible score of a subscale (None when it has no items)."""
    items = [definition.items[n - 1] for n in sub.items if 0 < n <= len(definition.items)]
    if definition.entry == "scores":
        for f in definition.score_fields:
            if f.code == sub.code:
                return (f.min, f.max)
        return None
    if not items:
        return None
    if sub.method == "sum":
        return (float(sum(i.min for i in items)), float(sum(i.max for i in items)))
    return (float(min(i.min for i in items)), float(max(i.max for i in items)))


# ---------------------------------------------------------------------------------------------
# Reading and validating


_MISSING = object()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class _Reader:
    """Collects every problem in a definition instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}" if where else message)

    # -- typed getters ---------------------------------------------------------------------

    def _get(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        check: Callable[[Any], bool],
        kind: str,
        default: Any = _MISSING,
    ) -> Any:
        label = f"{where}.{key}" if where else key
        if key not in data or data[key] is None:
            if default is _MISSING:
                self.error(label, "is required")
                return None
            return default
        value = data[key]
        if not check(value):
            self.error(label, f"must be {kind}, not {value!r}")
            return None if default is _MISSING else default
        return value

    def text(self, data: Mapping[str, Any], key: str, where: str = "", **kw: Any) -> Any:
        value = self._get(data, key, where, lambda v: isinstance(v, str), "text", **kw)
        if isinstance(value, str) and not value.strip() and kw.get("default", _MISSING) is _MISSING:
            self.error(f"{where}.{key}" if where else key, "must not be empty")
        return value

    def optional_text(self, data: Mapping[str, Any], key: str, where: str = "") -> str | None:
        value = self._get(
            data, key, where, lambda v: isinstance(v, str), "text or null", default=None
        )
        return value if isinstance(value, str) and value.strip() else None

    def integer(self, data: Mapping[str, Any], key: str, where: str = "", **kw: Any) -> Any:
        return self._get(data, key, where, _is_int, "a whole number", **kw)

    def number(self, data: Mapping[str, Any], key: str, where: str = "", **kw: Any) -> Any:
        return self._get(data, key, where, _is_number, "a number", **kw)

    def boolean(self, data: Mapping[str, Any], key: str, where: str = "", **kw: Any) -> Any:
        return self._get(data, key, where, lambda v: isinstance(v, bool), "true or false", **kw)

    def choice(
        self, data: Mapping[str, Any], key: str, choices: Sequence[str], where: str = "", **kw: Any
    ) -> Any:
        value = self._get(data, key, where, lambda v: isinstance(v, str), "text", **kw)
        if isinstance(value, str) and value not in choices:
            label = f"{where}.{key}" if where else key
            self.error(label, f"{value!r} is not one of {', '.join(map(repr, choices))}")
            return None
        return value

    def texts(self, data: Mapping[str, Any], key: str, where: str = "") -> tuple[str, ...]:
        value = self._get(data, key, where, _is_list, "a list", default=[])
        out: list[str] = []
        for i, entry in enumerate(value or []):
            if not isinstance(entry, str) or not entry.strip():
                self.error(f"{where}.{key}" if where else key, f"entry {i + 1} must be text")
            else:
                out.append(entry)
        return tuple(out)

    def objects(
        self, data: Mapping[str, Any], key: str, where: str = ""
    ) -> list[Mapping[str, Any]]:
        value = self._get(data, key, where, _is_list, "a list", default=[])
        out = []
        for i, entry in enumerate(value or []):
            if isinstance(entry, Mapping):
                out.append(entry)
            else:
                label = f"{where}.{key}" if where else key
                self.error(label, f"entry {i + 1} must be an object")
        return out

    def obj(self, data: Mapping[str, Any], key: str, where: str = "") -> Mapping[str, Any] | None:
        return self._get(
            data, key, where, lambda v: isinstance(v, Mapping), "an object", default=None
        )

    def unknown_keys(self, data: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
        for key in data:
            if key not in allowed:
                hint = f" (known keys: {', '.join(allowed)})"
                self.error(where, f"unknown key {key!r}{hint}")

    # -- parts -----------------------------------------------------------------------------

    def definition(self, data: Mapping[str, Any]) -> Definition:
        if not isinstance(data, Mapping):
            raise DefinitionError(["a definition must be a JSON object"])
        self.unknown_keys(data, _DEFINITION_KEYS, "definition")
        code = self.text(data, "code")
        if isinstance(code, str) and not _CODE.match(code):
            self.error(
                "code", f"{code!r} must be lower-case letters, digits and _, starting with a letter"
            )
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            self.error("version", f'must be text, e.g. "{version}", not a number')
            version = str(version)
        else:
            version = self.text(data, "version")
            if isinstance(version, str) and not _VERSION.match(version):
                self.error("version", f"{version!r} must be letters, digits, '.', '_' or '-'")
        entry = self.choice(data, "entry", ENTRIES)
        goals = self.boolean(data, "goals", default=False)
        items = tuple(self.item(d, i + 1) for i, d in enumerate(self.objects(data, "items")))
        fields = tuple(self.score_field(d) for d in self.objects(data, "score_fields"))
        scoring_data = self.obj(data, "scoring")
        if scoring_data is None:
            self.error("scoring", "is required")
            scoring_data = {"method": "none"}
        scoring = self.scoring(scoring_data, entry)
        subscales = tuple(self.subscale(d) for d in self.objects(data, "subscales"))
        conv_data = self.obj(data, "conversion")
        conversion = self.conversion(conv_data) if conv_data is not None else None
        bands = tuple(self.band(d, i + 1) for i, d in enumerate(self.objects(data, "bands")))
        cut_data = self.obj(data, "clinical_cutoff")
        cutoff = self.cutoff(cut_data, "clinical_cutoff") if cut_data is not None else None
        rc_data = self.obj(data, "reliable_change")
        rc = self.reliable_change(rc_data) if rc_data is not None else None
        direction = self.text(data, "direction")
        mixed_ok = direction == "mixed" and scoring.method == "none"
        if isinstance(direction, str) and direction not in DIRECTIONS and not mixed_ok:
            self.error(
                "direction",
                f"{direction!r} is not one of {', '.join(map(repr, DIRECTIONS))} "
                "('mixed' only when scoring method is none)",
            )
        risks = tuple(
            self.risk_rule(d, i + 1) for i, d in enumerate(self.objects(data, "risk_rules"))
        )
        lic_data = self.obj(data, "licence")
        if lic_data is None:
            self.error("licence", "is required")
            lic_data = {}
        licence = self.licence(lic_data)
        intervals = tuple(
            self.interval_cutoff(d, i + 1)
            for i, d in enumerate(self.objects(data, "interval_cutoffs"))
        )
        definition = Definition(
            code=code or "",
            version=version or "",
            name=self.text(data, "name") or "",
            short_name=self.text(data, "short_name") or "",
            measures=self.text(data, "measures") or "",
            respondent=self.choice(data, "respondent", RESPONDENTS) or "carer",
            subject=self.choice(data, "subject", SUBJECTS) or "carer",
            age_range=self.text(data, "age_range") or "",
            entry=entry or "items",
            items=items,
            score_fields=fields,
            scoring=scoring,
            subscales=subscales,
            conversion=conversion,
            bands=bands,
            clinical_cutoff=cutoff,
            reliable_change=rc,
            direction=direction or "higher_worse",
            risk_rules=risks,
            licence=licence,
            citation=self.text(data, "citation") or "",
            sources=self.texts(data, "sources"),
            uncertain=self.texts(data, "uncertain"),
            change_kind=self.choice(data, "change_kind", CHANGE_KINDS, default="score") or "score",
            intro=self.optional_text(data, "intro"),
            goals=bool(goals),
            interval_cutoffs=intervals,
        )
        if not self.errors:
            _check_whole(definition, self)
        if self.errors:
            raise DefinitionError(self.errors)
        return definition

    def item(self, data: Mapping[str, Any], position: int) -> Item:
        where = f"item {position}"
        self.unknown_keys(data, _ITEM_KEYS, where)
        number = self.integer(data, "number", where, default=position)
        if number != position:
            self.error(where, f"number is {number}; items must be numbered 1, 2, 3... in order")
        text = self.optional_text(data, "text", where)
        options: list[Option] = []
        if "options" in data and data["options"] is not None:
            if "min" in data or "max" in data:
                self.error(where, "give either options or min and max, not both")
            for i, opt in enumerate(self.objects(data, "options", where)):
                owhere = f"{where} option {i + 1}"
                self.unknown_keys(opt, ("value", "label"), owhere)
                value = self.integer(opt, "value", owhere)
                label = self.text(opt, "label", owhere)
                if value is not None and label is not None:
                    options.append(Option(value=value, label=label))
            values = [o.value for o in options]
            if len(options) < 2:
                self.error(where, "needs at least two options")
            elif any(b <= a for a, b in itertools.pairwise(values)):
                self.error(
                    where,
                    "option values must increase in the printed order (top or first option "
                    "lowest); mark the item reverse: true if it is scored the other way",
                )
        else:
            low = self.integer(data, "min", where)
            high = self.integer(data, "max", where)
            if low is not None and high is not None:
                if high <= low:
                    self.error(where, "max must be greater than min")
                elif high - low > 100:
                    self.error(where, "a response scale may have at most 101 points")
                else:
                    options = list(_generic_options(low, high))
        reverse = self.boolean(data, "reverse", where, default=False)
        na = self.boolean(data, "allows_not_applicable", where, default=False)
        na_score = self.integer(data, "not_applicable_score", where, default=None)
        na_label = self.optional_text(data, "not_applicable_label", where)
        if options:
            low, high = options[0].value, options[-1].value
            values_set = {o.value for o in options}
            if reverse and values_set != {low + high - v for v in values_set}:
                self.error(
                    where,
                    "a reverse item needs option values that mirror each other "
                    f"(e.g. 0-3); {sorted(values_set)} do not",
                )
            if na_score is not None and not low <= na_score <= high:
                self.error(where, f"not_applicable_score {na_score} is outside {low}-{high}")
        if not na and (na_score is not None or na_label is not None):
            self.error(
                where, "not_applicable_score and not_applicable_label need allows_not_applicable"
            )
        if na and na_label is None:
            self.error(
                where, 'allows_not_applicable needs a not_applicable_label, e.g. "Not applicable"'
            )
        return Item(
            number=position,
            text=text,
            options=tuple(options) or _generic_options(0, 1),
            reverse=bool(reverse),
            allows_not_applicable=bool(na),
            not_applicable_score=na_score,
            not_applicable_label=na_label,
        )

    def score_field(self, data: Mapping[str, Any]) -> ScoreField:
        code = data.get("code")
        where = f"score field {code!r}" if isinstance(code, str) else "score field"
        self.unknown_keys(data, _FIELD_KEYS, where)
        code = self.text(data, "code", where)
        if isinstance(code, str) and (not _CODE.match(code) or code.startswith("item")):
            self.error(where, "code must be lower-case letters, digits and _, not starting 'item'")
        low = self.number(data, "min", where)
        high = self.number(data, "max", where)
        if low is not None and high is not None and high <= low:
            self.error(where, "max must be greater than min")
        allowed = self._get(data, "allowed", where, _is_list, "a list", default=[])
        allowed_ints: list[int] = []
        for value in allowed or []:
            if not _is_int(value):
                self.error(where, f"allowed values must be whole numbers, not {value!r}")
            elif low is not None and high is not None and not low <= value <= high:
                self.error(where, f"allowed value {value} is outside {_fmt(low)}-{_fmt(high)}")
            else:
                allowed_ints.append(value)
        multiple = self.integer(data, "multiple_of", where, default=None)
        if multiple is not None and multiple < 1:
            self.error(where, "multiple_of must be 1 or more")
        return ScoreField(
            code=code or "",
            label=self.text(data, "label", where) or "",
            min=float(low if low is not None else 0),
            max=float(high if high is not None else 1),
            required=bool(self.boolean(data, "required", where, default=True)),
            whole_number=bool(self.boolean(data, "whole_number", where, default=True)),
            allowed=tuple(allowed_ints),
            multiple_of=multiple,
        )

    def scoring(self, data: Mapping[str, Any], entry: str | None) -> Scoring:
        where = "scoring"
        self.unknown_keys(data, _SCORING_KEYS, where)
        methods = SCORE_METHODS if entry == "scores" else ITEM_METHODS
        method = self.choice(data, "method", methods, where)
        prorate = self.integer(data, "prorate_max_missing", where, default=0)
        if prorate is not None and prorate < 0:
            self.error(where, "prorate_max_missing must be 0 or more")
        min_answered = self.integer(data, "min_answered", where, default=1)
        if min_answered is not None and min_answered < 1:
            self.error(where, "min_answered must be 1 or more")
        scale = self.number(data, "scale", where, default=None)
        if method == "sum_scaled" and (scale is None or scale <= 0):
            self.error(where, "method sum_scaled needs a scale greater than 0 (CORE-10: 10)")
        if method != "sum_scaled" and scale is not None:
            self.error(where, "scale is only used by method sum_scaled")
        total_field = self.optional_text(data, "total_field", where)
        total_from = self.texts(data, "total_from", where)
        if entry == "scores" and method == "entered" and total_field is None:
            self.error(where, "method entered needs total_field: the score field holding the total")
        if entry != "scores" and (total_field is not None or total_from):
            self.error(where, 'total_field and total_from are only for entry "scores"')
        return Scoring(
            method=method or "none",
            prorate_max_missing=prorate or 0,
            min_answered=min_answered or 1,
            total_label=self.text(data, "total_label", where, default="Total") or "Total",
            scale=float(scale) if scale is not None else None,
            total_field=total_field,
            total_from=total_from,
        )

    def subscale(self, data: Mapping[str, Any]) -> Subscale:
        code = data.get("code")
        where = f"subscale {code!r}" if isinstance(code, str) else "subscale"
        self.unknown_keys(data, _SUBSCALE_KEYS, where)
        code = self.text(data, "code", where)
        if isinstance(code, str) and not _CODE.match(code):
            self.error(where, "code must be lower-case letters, digits and _")
        raw_items = self._get(data, "items", where, _is_list, "a list", default=[])
        numbers: list[int] = []
        for value in raw_items or []:
            if not _is_int(value):
                self.error(where, f"items must be item numbers, not {value!r}")
            else:
                numbers.append(value)
        cut_data = self.obj(data, "cutoff", where)
        return Subscale(
            code=code or "",
            name=self.text(data, "name", where) or "",
            items=tuple(numbers),
            method=self.choice(data, "method", SUBSCALE_METHODS, where, default="sum") or "sum",
            direction=self.choice(data, "direction", SUBSCALE_DIRECTIONS, where) or "higher_worse",
            cutoff=self.cutoff(cut_data, f"{where} cutoff") if cut_data is not None else None,
            uncertain=self.texts(data, "uncertain", where),
        )

    def conversion(self, data: Mapping[str, Any]) -> Conversion:
        where = "conversion"
        self.unknown_keys(data, ("label", "table", "source", "uncertain"), where)
        table = self.obj(data, "table", where)
        pairs: list[tuple[int, float]] = []
        if table is None:
            self.error(where, "needs a table of raw total -> converted score")
        else:
            for key, value in table.items():
                try:
                    raw = int(key)
                except (TypeError, ValueError):
                    self.error(where, f"table key {key!r} is not a whole raw total")
                    continue
                if not _is_number(value):
                    self.error(where, f"table value for {key} must be a number")
                    continue
                pairs.append((raw, float(value)))
            pairs.sort()
            values = [v for _, v in pairs]
            if any(b < a for a, b in itertools.pairwise(values)):
                self.error(where, "converted scores must not go down as the raw total goes up")
        return Conversion(
            label=self.text(data, "label", where) or "",
            table=tuple(pairs),
            source=self.text(data, "source", where) or "",
            uncertain=self.texts(data, "uncertain", where),
        )

    def band(self, data: Mapping[str, Any], position: int) -> Band:
        where = f"band {position}"
        self.unknown_keys(data, ("min", "max", "label", "source", "uncertain"), where)
        low = self.number(data, "min", where)
        high = self.number(data, "max", where)
        if low is not None and high is not None and high < low:
            self.error(where, "max must not be less than min")
        return Band(
            min=float(low if low is not None else 0),
            max=float(high if high is not None else 0),
            label=self.text(data, "label", where) or "",
            source=self.text(data, "source", where) or "",
            uncertain=bool(self.boolean(data, "uncertain", where, default=False)),
        )

    def cutoff(self, data: Mapping[str, Any], where: str) -> Cutoff:
        self.unknown_keys(data, ("value", "rule", "label", "source", "uncertain"), where)
        value = self.number(data, "value", where)
        return Cutoff(
            value=float(value if value is not None else 0),
            rule=self.choice(data, "rule", CUTOFF_RULES, where) or ">=",
            label=self.text(data, "label", where) or "",
            source=self.text(data, "source", where) or "",
            uncertain=bool(self.boolean(data, "uncertain", where, default=False)),
        )

    def reliable_change(self, data: Mapping[str, Any]) -> ReliableChange:
        where = "reliable_change"
        self.unknown_keys(data, _RC_KEYS, where)
        threshold = self.number(data, "threshold", where, default=None)
        if threshold is not None and threshold <= 0:
            self.error(where, "threshold must be greater than 0")
        confidence = self.integer(data, "confidence", where, default=95)
        if confidence is not None and confidence not in CONFIDENCES:
            self.error(where, f"confidence must be 95 or 90, not {confidence}")
            confidence = 95
        sd = self.number(data, "sd", where, default=None)
        if sd is not None and sd <= 0:
            self.error(where, "sd must be greater than 0")
        reliability = self.number(data, "reliability", where, default=None)
        if reliability is not None and not 0 < reliability < 1:
            self.error(where, "reliability must be between 0 and 1 (e.g. 0.9)")
        sd_source = self.optional_text(data, "sd_source", where)
        rel_source = self.optional_text(data, "reliability_source", where)
        if threshold is None and (sd is None or reliability is None):
            self.error(
                where,
                "give a published threshold, or both sd and reliability so the threshold can "
                "be computed (or leave reliable_change out)",
            )
        if sd is not None and sd_source is None:
            self.error(where, "sd needs sd_source")
        if reliability is not None and rel_source is None:
            self.error(where, "reliability needs reliability_source")
        return ReliableChange(
            threshold=float(threshold) if threshold is not None else None,
            confidence=confidence or 95,
            source=self.text(data, "source", where) or "",
            uncertain=bool(self.boolean(data, "uncertain", where, default=False)),
            sd=float(sd) if sd is not None else None,
            reliability=float(reliability) if reliability is not None else None,
            sd_source=sd_source,
            reliability_source=rel_source,
        )

    def risk_rule(self, data: Mapping[str, Any], position: int) -> RiskRule:
        where = f"risk rule {position}"
        self.unknown_keys(data, _RISK_KEYS, where)
        item = self.integer(data, "item", where, default=None)
        subscale = self.optional_text(data, "subscale", where)
        on_score = bool(self.boolean(data, "score", where, default=False))
        if sum((item is not None, subscale is not None, on_score)) != 1:
            self.error(where, "give exactly one of item, subscale or score: true")
        at_least = self.number(data, "at_least", where, default=None)
        at_most = self.number(data, "at_most", where, default=None)
        if at_least is None and at_most is None:
            self.error(where, "give at_least or at_most (or both)")
        if at_least is not None and at_most is not None and at_most < at_least:
            self.error(where, "at_most must not be less than at_least")
        default_code = (
            f"risk_item{item}"
            if item is not None
            else f"risk_{subscale}"
            if subscale is not None
            else "risk_score"
        )
        code = self.text(data, "code", where, default=default_code)
        if isinstance(code, str) and not _CODE.match(code):
            self.error(where, "code must be lower-case letters, digits and _")
        return RiskRule(
            code=code or default_code,
            message=self.text(data, "message", where) or "",
            source=self.text(data, "source", where) or "",
            item=item,
            subscale=subscale,
            score=on_score,
            at_least=float(at_least) if at_least is not None else None,
            at_most=float(at_most) if at_most is not None else None,
        )

    def interval_cutoff(self, data: Mapping[str, Any], position: int) -> IntervalCutoff:
        where = f"interval cutoff {position}"
        self.unknown_keys(data, ("interval_months", "cutoff", "monitoring_from", "source"), where)
        months = self.integer(data, "interval_months", where)
        cutoff = self.number(data, "cutoff", where)
        monitoring = self.number(data, "monitoring_from", where, default=None)
        if cutoff is not None and monitoring is not None and monitoring > cutoff:
            self.error(where, "monitoring_from must not be above the cut-off")
        return IntervalCutoff(
            interval_months=months or 0,
            cutoff=float(cutoff if cutoff is not None else 0),
            source=self.text(data, "source", where) or "",
            monitoring_from=float(monitoring) if monitoring is not None else None,
        )

    def licence(self, data: Mapping[str, Any]) -> Licence:
        where = "licence"
        self.unknown_keys(data, ("kind", "detail", "wording_may_be_shown", "attribution"), where)
        return Licence(
            kind=self.choice(data, "kind", LICENCE_KINDS, where) or "proprietary",
            detail=self.text(data, "detail", where) or "",
            wording_may_be_shown=bool(self.boolean(data, "wording_may_be_shown", where)),
            attribution=self.text(data, "attribution", where) or "",
        )


def _check_whole(d: Definition, r: _Reader) -> None:
    """Checks that need the whole definition (parts are already well formed)."""
    n = len(d.items)
    if d.entry == "scores":
        if d.items:
            r.error("items", 'must be empty for entry "scores" (enter score_fields instead)')
        if not d.score_fields:
            r.error("score_fields", 'entry "scores" needs at least one score field')
    else:
        if not d.items:
            r.error("items", f'entry "{d.entry}" needs at least one item')
        if d.score_fields:
            r.error("score_fields", 'are only for entry "scores"')
    if d.entry == "items_hidden" and any(item.text for item in d.items):
        r.error("items", 'entry "items_hidden" means wording is never shown: remove the text')
    if not d.licence.wording_may_be_shown:
        for item in d.items:
            if item.text:
                r.error(
                    f"item {item.number}",
                    "has wording but the licence does not allow wording to be shown",
                )
        if d.intro:
            r.error("intro", "is wording but the licence does not allow wording to be shown")
    if d.goals:
        if d.entry != "items":
            r.error("goals", 'goals: true needs entry "items"')
        if any(item.text for item in d.items):
            r.error("goals", "goal items have no fixed wording: the family's goals are shown")
    field_codes = [f.code for f in d.score_fields]
    for code in {c for c in field_codes if field_codes.count(c) > 1}:
        r.error(f"score field {code!r}", "code is used twice")

    # Scoring
    s = d.scoring
    if d.entry != "scores" and n:
        if s.prorate_max_missing >= n:
            r.error("scoring", f"prorate_max_missing must be less than the {_plural(n, 'item')}")
        if s.min_answered > n:
            r.error("scoring", f"min_answered is more than the {_plural(n, 'item')}")
        if s.method in ("sum", "sum_scaled") and s.prorate_max_missing and d.conversion:
            r.error("scoring", "a converted score cannot be prorated: set prorate_max_missing 0")
        for item in d.items:
            unscored_na = item.allows_not_applicable and item.not_applicable_score is None
            if unscored_na and s.method not in ("mean_of_rated", "none"):
                r.error(
                    f"item {item.number}",
                    "a not-applicable answer without a not_applicable_score can only be left "
                    f"out of a mean_of_rated score, not method {s.method}",
                )
    if s.total_field is not None and s.total_field not in field_codes:
        r.error("scoring", f"total_field {s.total_field!r} is not a score field")
    for code in s.total_from:
        if code not in field_codes:
            r.error("scoring", f"total_from {code!r} is not a score field")
    if s.total_from and s.total_field in s.total_from:
        r.error("scoring", "total_field cannot be one of total_from")

    # Subscales
    codes = [sub.code for sub in d.subscales]
    for code in {c for c in codes if codes.count(c) > 1}:
        r.error(f"subscale {code!r}", "code is used twice")
    if s.method == "none" and d.entry != "scores" and not d.subscales:
        r.error("scoring", "method none (no total) needs at least one subscale")
    for sub in d.subscales:
        where = f"subscale {sub.code!r}"
        if d.entry == "scores":
            if sub.items:
                r.error(where, 'has items, but entry "scores" takes subscales from score fields')
            if sub.code not in field_codes:
                r.error(where, 'for entry "scores" the code must be a score field code')
            continue
        if not sub.items:
            r.error(where, "needs at least one item")
        seen: set[int] = set()
        for number in sub.items:
            if not 1 <= number <= n:
                r.error(where, f"item {number} does not exist (items are 1-{n})")
            elif number in seen:
                r.error(where, f"item {number} is listed twice")
            seen.add(number)
            if 1 <= number <= n:
                item = d.items[number - 1]
                unscored_na = item.allows_not_applicable and item.not_applicable_score is None
                if unscored_na and sub.method == "sum":
                    r.error(
                        where,
                        f"item {number} can be not applicable without a score, so this "
                        "subscale must use method mean",
                    )
    if r.errors:
        return
    primary = d.primary_range

    # Conversion
    if d.conversion is not None:
        raw = _total_range(d.entry, d.items, d.score_fields, s)
        if s.method != "sum" or raw is None:
            r.error("conversion", "a conversion needs scoring method sum")
        else:
            expected = set(range(int(raw[0]), int(raw[1]) + 1))
            keys = {k for k, _ in d.conversion.table}
            if keys != expected:
                missing = sorted(expected - keys)
                extra = sorted(keys - expected)
                parts = []
                if missing:
                    parts.append(f"missing raw totals {_short_list(missing)}")
                if extra:
                    parts.append(f"raw totals {_short_list(extra)} cannot occur")
                r.error(
                    "conversion",
                    f"table must cover every raw total {int(raw[0])}-{int(raw[1])}: "
                    + "; ".join(parts),
                )

    # Bands (ordered, not overlapping, inside the primary range)
    if d.bands and primary is None:
        r.error("bands", "need a primary score (scoring method none has none)")
    for i, band in enumerate(d.bands, start=1):
        if primary is not None and (band.min < primary[0] or band.max > primary[1]):
            r.error(
                f"band {i}",
                f"{_fmt(band.min)}-{_fmt(band.max)} is outside the score range "
                f"{_fmt(primary[0])}-{_fmt(primary[1])}",
            )
        if i > 1 and band.min <= d.bands[i - 2].max:
            r.error(
                f"band {i}", "must start above the previous band's max (list bands low to high)"
            )
    if primary is not None and d.bands and d.bands[0].min > primary[0]:
        r.error("band 1", f"must start at the lowest possible score, {_fmt(primary[0])}")
    if primary is not None and d.bands and d.bands[-1].max < primary[1]:
        r.error(
            f"band {len(d.bands)}", f"must end at the highest possible score, {_fmt(primary[1])}"
        )

    # Cut-offs
    if d.clinical_cutoff is not None:
        if primary is None:
            r.error("clinical_cutoff", "needs a primary score (scoring method none has none)")
        elif not primary[0] <= d.clinical_cutoff.value <= primary[1]:
            r.error(
                "clinical_cutoff",
                f"{_fmt(d.clinical_cutoff.value)} is outside the score range "
                f"{_fmt(primary[0])}-{_fmt(primary[1])}",
            )
        expected_rule = ">=" if d.direction == "higher_worse" else "<="
        if d.direction in DIRECTIONS and d.clinical_cutoff.rule != expected_rule:
            r.error(
                "clinical_cutoff",
                f"rule must be {expected_rule!r} for direction {d.direction}: the clinical "
                "range is on the worse side",
            )
    for sub in d.subscales:
        if sub.cutoff is None:
            continue
        rng = subscale_range(d, sub)
        if rng is not None and not rng[0] <= sub.cutoff.value <= rng[1]:
            r.error(
                f"subscale {sub.code!r} cutoff",
                f"{_fmt(sub.cutoff.value)} is outside the subscale range "
                f"{_fmt(rng[0])}-{_fmt(rng[1])}",
            )

    # Reliable change
    if d.reliable_change is not None:
        if primary is None:
            r.error("reliable_change", "needs a primary score (scoring method none has none)")
        elif d.reliable_change.threshold is not None:
            span = primary[1] - primary[0]
            if d.reliable_change.threshold > span:
                r.error(
                    "reliable_change",
                    f"threshold {_fmt(d.reliable_change.threshold)} is more than the whole "
                    f"score range ({_fmt(span)})",
                )
        if d.change_kind == "category":
            r.error("reliable_change", 'is not used when change_kind is "category"')

    # Risk rules
    risk_codes = [rule.code for rule in d.risk_rules]
    for code in {c for c in risk_codes if risk_codes.count(c) > 1}:
        r.error("risk_rules", f"code {code!r} is used twice")
    for i, rule in enumerate(d.risk_rules, start=1):
        where = f"risk rule {i}"
        if rule.item is not None and not 1 <= rule.item <= n:
            r.error(where, f"item {rule.item} does not exist")
        if rule.subscale is not None and rule.subscale not in codes:
            r.error(where, f"subscale {rule.subscale!r} does not exist")
        if rule.score and primary is None:
            r.error(where, "score: true needs a primary score")

    # Interval cut-offs (ASQ:SE-2)
    if d.interval_cutoffs:
        interval = next((f for f in d.score_fields if f.code == "interval_months"), None)
        if interval is None:
            r.error("interval_cutoffs", "need a score field interval_months")
        seen_months: set[int] = set()
        for i, ic in enumerate(d.interval_cutoffs, start=1):
            if (
                interval is not None
                and interval.allowed
                and ic.interval_months not in interval.allowed
            ):
                r.error(
                    f"interval cutoff {i}",
                    f"{ic.interval_months} months is not an allowed interval",
                )
            if ic.interval_months in seen_months:
                r.error(f"interval cutoff {i}", f"{ic.interval_months} months is listed twice")
            seen_months.add(ic.interval_months)


def _short_list(values: Sequence[int]) -> str:
    shown = ", ".join(str(v) for v in values[:8])
    return shown + ("..." if len(values) > 8 else "")


def _generic_options(low: int, high: int) -> tuple[Option, ...]:
    return tuple(Option(value=v, label=str(v)) for v in range(low, high + 1))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple)


_DEFINITION_KEYS = (
    "code",
    "version",
    "name",
    "short_name",
    "measures",
    "respondent",
    "subject",
    "age_range",
    "entry",
    "intro",
    "goals",
    "items",
    "score_fields",
    "scoring",
    "subscales",
    "conversion",
    "bands",
    "clinical_cutoff",
    "reliable_change",
    "direction",
    "risk_rules",
    "interval_cutoffs",
    "change_kind",
    "licence",
    "citation",
    "sources",
    "uncertain",
)
_ITEM_KEYS = (
    "number",
    "text",
    "options",
    "min",
    "max",
    "reverse",
    "allows_not_applicable",
    "not_applicable_score",
    "not_applicable_label",
)
_FIELD_KEYS = (
    "code",
    "label",
    "min",
    "max",
    "required",
    "whole_number",
    "allowed",
    "multiple_of",
)
_SCORING_KEYS = (
    "method",
    "prorate_max_missing",
    "min_answered",
    "total_label",
    "scale",
    "total_field",
    "total_from",
)
_SUBSCALE_KEYS = ("code", "name", "items", "method", "direction", "cutoff", "uncertain")
_RC_KEYS = (
    "threshold",
    "confidence",
    "source",
    "uncertain",
    "sd",
    "reliability",
    "sd_source",
    "reliability_source",
)
_RISK_KEYS = ("code", "item", "subscale", "score", "at_least", "at_most", "message", "source")


# ---------------------------------------------------------------------------------------------
# Writing


def _num(value: float) -> int | float:
    """Whole numbers as JSON integers, so files read the way people write them."""
    return int(value) if float(value).is_integer() else value


def _cutoff_dict(c: Cutoff) -> dict[str, Any]:
    return {
        "value": _num(c.value),
        "rule": c.rule,
        "label": c.label,
        "source": c.source,
        "uncertain": c.uncertain,
    }


def _definition_to_dict(d: Definition) -> dict[str, Any]:
    rc = d.reliable_change
    return {
        "code": d.code,
        "version": d.version,
        "name": d.name,
        "short_name": d.short_name,
        "measures": d.measures,
        "respondent": d.respondent,
        "subject": d.subject,
        "age_range": d.age_range,
        "entry": d.entry,
        "intro": d.intro,
        "goals": d.goals,
        "items": [
            {
                "number": item.number,
                "text": item.text,
                "options": [{"value": o.value, "label": o.label} for o in item.options],
                "reverse": item.reverse,
                "allows_not_applicable": item.allows_not_applicable,
                "not_applicable_score": item.not_applicable_score,
                "not_applicable_label": item.not_applicable_label,
            }
            for item in d.items
        ],
        "score_fields": [
            {
                "code": f.code,
                "label": f.label,
                "min": _num(f.min),
                "max": _num(f.max),
                "required": f.required,
                "whole_number": f.whole_number,
                "allowed": list(f.allowed),
                "multiple_of": f.multiple_of,
            }
            for f in d.score_fields
        ],
        "scoring": {
            "method": d.scoring.method,
            "prorate_max_missing": d.scoring.prorate_max_missing,
            "min_answered": d.scoring.min_answered,
            "total_label": d.scoring.total_label,
            "scale": _num(d.scoring.scale) if d.scoring.scale is not None else None,
            "total_field": d.scoring.total_field,
            "total_from": list(d.scoring.total_from),
        },
        "subscales": [
            {
                "code": sub.code,
                "name": sub.name,
                "items": list(sub.items),
                "method": sub.method,
                "direction": sub.direction,
                "cutoff": _cutoff_dict(sub.cutoff) if sub.cutoff else None,
                "uncertain": list(sub.uncertain),
            }
            for sub in d.subscales
        ],
        "conversion": (
            {
                "label": d.conversion.label,
                "table": {str(k): v for k, v in d.conversion.table},
                "source": d.conversion.source,
                "uncertain": list(d.conversion.uncertain),
            }
            if d.conversion
            else None
        ),
        "bands": [
            {
                "min": _num(b.min),
                "max": _num(b.max),
                "label": b.label,
                "source": b.source,
                "uncertain": b.uncertain,
            }
            for b in d.bands
        ],
        "clinical_cutoff": _cutoff_dict(d.clinical_cutoff) if d.clinical_cutoff else None,
        "reliable_change": (
            {
                "threshold": _num(rc.threshold) if rc.threshold is not None else None,
                "confidence": rc.confidence,
                "source": rc.source,
                "uncertain": rc.uncertain,
                "sd": rc.sd,
                "reliability": rc.reliability,
                "sd_source": rc.sd_source,
                "reliability_source": rc.reliability_source,
            }
            if rc
            else None
        ),
        "direction": d.direction,
        "risk_rules": [
            {
                "code": rule.code,
                "item": rule.item,
                "subscale": rule.subscale,
                "score": rule.score,
                "at_least": _num(rule.at_least) if rule.at_least is not None else None,
                "at_most": _num(rule.at_most) if rule.at_most is not None else None,
                "message": rule.message,
                "source": rule.source,
            }
            for rule in d.risk_rules
        ],
        "interval_cutoffs": [
            {
                "interval_months": ic.interval_months,
                "cutoff": _num(ic.cutoff),
                "monitoring_from": (
                    _num(ic.monitoring_from) if ic.monitoring_from is not None else None
                ),
                "source": ic.source,
            }
            for ic in d.interval_cutoffs
        ],
        "change_kind": d.change_kind,
        "licence": {
            "kind": d.licence.kind,
            "detail": d.licence.detail,
            "wording_may_be_shown": d.licence.wording_may_be_shown,
            "attribution": d.licence.attribution,
        },
        "citation": d.citation,
        "sources": list(d.sources),
        "uncertain": list(d.uncertain),
    }
