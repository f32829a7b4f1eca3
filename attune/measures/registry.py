"""Where definitions come from: the JSON files shipped with Attune, and those added since."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from attune.measures.instruments import Definition, DefinitionError


def version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    # "10" is newer than "9", and "2" newer than "1.1": compare dotted parts as numbers.
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in version.split("."))


@cache
def _shipped() -> tuple[Definition, ...]:
    folder = resources.files("attune.measures").joinpath("definitions")
    found: list[Definition] = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".json"):
            continue
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
            definition = Definition.from_dict(data)
        except (ValueError, DefinitionError) as error:
            # A shipped file that does not load is a bug in Attune, not the team's data.
            raise RuntimeError(f"definitions/{entry.name} is not valid: {error}") from error
        if entry.name != f"{definition.key}.json":
            raise RuntimeError(
                f"definitions/{entry.name} holds {definition.key}; name it {definition.key}.json"
            )
        found.append(definition)
    found.sort(key=lambda d: (d.code, version_key(d.version)))
    return tuple(found)


def shipped_definitions() -> list[Definition]:
    """Every definition version shipped with Attune, by code then version (read once)."""
    return list(_shipped())


def available_definitions() -> list[Definition]:
    """Every definition on this installation: the shipped ones, then those added in the admin.

    The database holds the shipped versions too (loaded by data migrations) and any a
    team or system administrator added; those not shipped follow the shipped ones.
    """
    # Imported here so the shipped half of this module stays pure (usable without Django).
    from attune.measures.models import Instrument

    shipped = shipped_definitions()
    known = {d.key for d in shipped}
    added = []
    for instrument in Instrument.objects.filter(is_active=True).order_by("code", "version"):
        definition = instrument.parsed()
        if definition.key not in known:
            known.add(definition.key)
            added.append(definition)
    return shipped + added


def shipped_definition(code: str, version: str | None = None) -> Definition:
    """The shipped definition `code` at `version`, or its latest version when None."""
    versions = [d for d in _shipped() if d.code == code]
    if not versions:
        codes = ", ".join(sorted({d.code for d in _shipped()}))
        raise KeyError(f"No shipped definition {code!r}. Shipped codes: {codes}")
    if version is None:
        return max(versions, key=lambda d: version_key(d.version))
    for definition in versions:
        if definition.version == version:
            return definition
    known = ", ".join(d.version for d in versions)
    raise KeyError(f"{code} has no version {version!r}. Shipped versions: {known}")
