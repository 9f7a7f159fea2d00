"""Merchant-type profiles: which risk_item fields a merchant type must send, and which checks
apply with what severity. One YAML file per type in `profiles/`, with `extends` for inheritance.

Loading is strict: unknown keys, wrong types, unknown check ids and unquoted codes are rejected
with the file and key named -- PyYAML reads `0001` as a number and `no` as a boolean, so codes
must be quoted (style.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Mapping

from golive.errors import InputError
from golive.model import Severity, Text

_ALLOWED_KEYS = {"name", "extends", "title", "description", "categories", "risk_item", "identity_required",
                 "checks"}
_RISK_KEYS = {"required", "optional", "formats", "recommended"}
_CHECK_KEYS = {"severity", "enabled"}


@dataclass(frozen=True)
class CheckOverride:
    severity: Severity | None = None
    enabled: bool = True


@dataclass(frozen=True)
class Profile:
    name: str
    title: Text
    description: Text | None = None
    extends: tuple[str, ...] = ()  # the chain, nearest parent first
    categories: tuple[str, ...] = ()  # frms_ware_category codes this merchant type fits
    required_fields: tuple[str, ...] = ()
    recommended_fields: tuple[str, ...] = ()
    optional_fields: tuple[str, ...] = ()
    formats: Mapping[str, str] = field(default_factory=dict)  # risk_item field -> format name
    identity_required: bool = False  # 认证支付 real-name: id_type/id_no/acct_name + flag_modify=1
    checks: Mapping[str, CheckOverride] = field(default_factory=dict)

    def severity_for(self, check_id: str, default: Severity) -> Severity:
        override = self.checks.get(check_id)
        return override.severity if override and override.severity else default

    def enabled(self, check_id: str) -> bool:
        override = self.checks.get(check_id)
        return override.enabled if override else True

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title.to_dict(),
            "extends": list(self.extends),
            "categories": list(self.categories),
            "required_fields": list(self.required_fields),
            "recommended_fields": list(self.recommended_fields),
            "optional_fields": list(self.optional_fields),
            "identity_required": self.identity_required,
        }


def _profile_files() -> dict[str, Any]:
    folder = resources.files("golive.profiles")
    return {entry.name[:-5]: entry for entry in folder.iterdir() if entry.name.endswith(".yaml")}


def available_profiles() -> list[str]:
    return sorted(_profile_files())


def _text(value: Any, where: str, file: str) -> Text:
    if isinstance(value, Mapping) and isinstance(value.get("zh"), str) and isinstance(value.get("en"), str):
        return Text(value["zh"], value["en"])
    raise InputError("expected {zh: ..., en: ...}", file=file, key=where)


def _string_list(value: Any, where: str, file: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError("expected a list", file=file, key=where)
    for index, element in enumerate(value):
        if not isinstance(element, str):
            raise InputError(f"quote this value ({element!r} is read as {type(element).__name__})",
                             file=file, key=f"{where}[{index}]")
    return tuple(value)


@lru_cache(maxsize=None)
def _raw(name: str) -> tuple[str, dict[str, Any]]:
    from golive.config import parse_yaml

    files = _profile_files()
    if name not in files:
        raise InputError(f"unknown profile {name!r}; available: {', '.join(sorted(files))}", key="merchant.profile")
    file = f"profiles/{name}.yaml"
    try:
        text = files[name].read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the profile: {exc}", file=file) from None
    # The same bounded loader as golive.yaml: nesting and alias expansion are capped.
    data, _lines = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise InputError("a profile is a mapping", file=file)
    unknown = set(data) - _ALLOWED_KEYS
    if unknown:
        raise InputError(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_ALLOWED_KEYS)}", file=file)
    if data.get("name") != name:
        raise InputError(f"name must equal the file name ({name})", file=file, key="name")
    return file, data


def _merge_unique(*parts: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for part in parts:
        for value in part:
            seen.setdefault(value, None)
    return tuple(seen)


@lru_cache(maxsize=None)
def load_profile(name: str, _chain: tuple[str, ...] = ()) -> Profile:
    """Load a profile and everything it extends. Raises InputError naming file and key."""
    from golive.registry import ID_PATTERN

    if name in _chain:
        raise InputError(f"extends cycle: {' -> '.join(_chain + (name,))}", file=f"profiles/{name}.yaml", key="extends")
    file, data = _raw(name)
    parent: Profile | None = None
    if data.get("extends") is not None:
        if not isinstance(data["extends"], str):
            raise InputError("extends names one profile", file=file, key="extends")
        parent = load_profile(data["extends"], _chain + (name,))

    risk = data.get("risk_item") or {}
    if not isinstance(risk, Mapping) or set(risk) - _RISK_KEYS:
        raise InputError(f"risk_item allows only {sorted(_RISK_KEYS)}", file=file, key="risk_item")
    formats = risk.get("formats") or {}
    if not isinstance(formats, Mapping) or not all(isinstance(v, str) for v in formats.values()):
        raise InputError("formats maps a field to a format name", file=file, key="risk_item.formats")
    _check_format_names(formats, file)

    overrides: dict[str, CheckOverride] = dict(parent.checks) if parent else {}
    checks = data.get("checks") or {}
    if not isinstance(checks, Mapping):
        raise InputError("expected a mapping of check id to {severity, enabled}", file=file, key="checks")
    for check_id, spec in checks.items():
        where = f"checks.{check_id}"
        if not isinstance(check_id, str) or not ID_PATTERN.match(check_id):
            raise InputError("not a check id (LL-AAA-NNN)", file=file, key=where)
        if not isinstance(spec, Mapping) or set(spec) - _CHECK_KEYS:
            raise InputError(f"allowed keys: {sorted(_CHECK_KEYS)}", file=file, key=where)
        severity = spec.get("severity")
        try:
            parsed = Severity(severity) if severity is not None else None
        except ValueError:
            raise InputError(f"severity must be one of {[s.value for s in Severity]}", file=file,
                             key=f"{where}.severity") from None
        enabled = spec.get("enabled", True)
        if not isinstance(enabled, bool):
            raise InputError("enabled is true or false", file=file, key=f"{where}.enabled")
        overrides[check_id] = CheckOverride(parsed, enabled)

    identity = data.get("identity_required", parent.identity_required if parent else False)
    if not isinstance(identity, bool):
        raise InputError("identity_required is true or false", file=file, key="identity_required")
    categories = _string_list(data.get("categories"), "categories", file)
    _check_categories(categories, file)
    lists = {level: _string_list(risk.get(level), f"risk_item.{level}", file) for level in ("required", "recommended", "optional")}
    for level, names in lists.items():
        _check_field_names(names, file, f"risk_item.{level}")
    _check_field_names(tuple(formats), file, "risk_item.formats")
    # A field sits at its strictest level: a child that requires what its parent recommends
    # moves it out of the recommended list (and likewise for optional).
    required = _merge_unique(parent.required_fields if parent else (), lists["required"])
    recommended = tuple(f for f in _merge_unique(parent.recommended_fields if parent else (), lists["recommended"])
                        if f not in required)
    optional = tuple(f for f in _merge_unique(parent.optional_fields if parent else (), lists["optional"])
                     if f not in required and f not in recommended)
    return Profile(
        name=name,
        title=_text(data.get("title"), "title", file),
        description=_text(data["description"], "description", file) if data.get("description") else None,
        extends=((parent.name,) + parent.extends) if parent else (),
        categories=categories or (parent.categories if parent else ()),
        required_fields=required,
        recommended_fields=recommended,
        optional_fields=optional,
        formats={**(parent.formats if parent else {}), **formats},
        identity_required=identity,
        checks=overrides,
    )


def _check_format_names(formats: Mapping[str, str], file: str) -> None:
    """Format names must be known to the validators (golive.lianlian.validators.FORMATS)."""
    try:
        from golive.lianlian.validators import FORMATS
    except ImportError:  # validators not installed yet: nothing to check against
        return
    for field_name, format_name in formats.items():
        if format_name not in FORMATS:
            raise InputError(f"unknown format {format_name!r}; known: {sorted(FORMATS)}", file=file,
                             key=f"risk_item.formats.{field_name}")


def _check_categories(categories: tuple[str, ...], file: str) -> None:
    """frms_ware_category codes are 4-digit strings (protocol.md §4.5)."""
    for index, code in enumerate(categories):
        if not (len(code) == 4 and code.isascii() and code.isdigit()):
            raise InputError(f"{code!r} is not a 4-digit category code", file=file, key=f"categories[{index}]")


def _check_field_names(names: tuple[str, ...], file: str, where: str) -> None:
    """Field names must be in the catalogue (golive.lianlian.fields): a typo would never match."""
    try:
        from golive.lianlian.fields import FIELDS
    except ImportError:  # catalogue not installed yet: nothing to check against
        return
    import difflib

    for index, name in enumerate(names):
        if name not in FIELDS:
            close = difflib.get_close_matches(name, list(FIELDS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            key = f"{where}.{name}" if where.endswith("formats") else f"{where}[{index}]"
            raise InputError(f"unknown risk_item field {name!r}{hint}", file=file, key=key)
