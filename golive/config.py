"""Reads golive.yaml: YAML with line numbers, JSON Schema validation, secret references.

Every problem is an `InputError` naming the file, the line and the dotted key, e.g.
``golive.yaml:7: signing.sign_type: 'SHA1' is not one of ['MD5', 'RSA']``. Secrets are written
as `{env: NAME}` or `{file: PATH}` (relative to the config file); their values are resolved by
the config gatherer into `golive.signing.SigningMaterial`, which is never serialised or printed.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from golive.errors import InputError


@dataclass(frozen=True)
class LoadedConfig:
    path: Path
    data: dict[str, Any]
    lines: dict[str, int]  # dotted key -> line number (1-based)
    sha256: str
    display_name: str | None = None  # how findings name the file, when not its path
    # Judged again from saved evidence (golive.evidence.store), the file itself is not at hand: the
    # golive.yaml lines the saving run's findings showed, by line number, stand in for it.
    excerpts: dict[int, str] | None = None

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    @property
    def display(self) -> str:
        return self.display_name or str(self.path)

    def line_of(self, key: str) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0]
        return None

    def get(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def error(self, key: str, message: str) -> InputError:
        return InputError(message, file=self.display, line=self.line_of(key), key=key)


def _read_text(path: Path, what: str, key: str | None = None) -> tuple[str, bytes]:
    if not path.exists():
        raise InputError(f"{what} not found", file=str(path), key=key)
    if path.is_dir():
        raise InputError(f"{what} is a directory, expected a file", file=str(path), key=key)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", file=str(path), key=key) from None
    try:
        return raw.decode("utf-8-sig"), raw
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 (byte {exc.start})", file=str(path), key=key) from None


def _walk_lines(node: Any, prefix: str, lines: dict[str, int]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}.{key_node.value}" if prefix else str(key_node.value)
            lines[key] = key_node.start_mark.line + 1
            _walk_lines(value_node, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            key = f"{prefix}[{index}]"
            lines[key] = child.start_mark.line + 1
            _walk_lines(child, key, lines)


def _normalise(value: Any) -> Any:
    """YAML dates become ISO strings (the schema wants strings; users write 2026-11-20 unquoted)."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


MAX_YAML_DEPTH = 40
"""Nesting a golive YAML file may have (golive.yaml, waivers, profiles). Real ones nest under 10."""
MAX_YAML_NODES = 20_000
"""Values a YAML document may hold once its aliases are expanded. A 600-byte 'billion laughs'
file expands to a billion; golive.yaml holds a few hundred."""


class _YamlLimit(Exception):
    """A bounded-loader limit was hit at `mark` (a YAML position)."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _bounded_loader(text: str) -> Any:
    """A SafeLoader that refuses deep nesting and alias bombs while composing, and turns a value its
    constructors cannot build (a 5000-digit int, ``2026-13-45``, ``0b_``) into a marked error."""
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.depth = 0
            self.open_anchors: list[str] = []  # anchors of the values being composed (cycle check)
            self.sizes: dict[int, int] = {}  # id(node) -> values it stands for, aliases expanded

        def compose_node(self, parent: Any, index: Any) -> Any:
            # PyYAML composes recursively: refuse before Python's recursion limit is near.
            self.depth += 1
            event = self.peek_event()  # type: ignore[no-untyped-call]  # PyYAML's stubs leave it untyped
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent):
                if anchor in self.open_anchors:  # &a {x: *a}: a value that contains itself
                    raise _YamlLimit(f"the alias *{anchor} refers to a value that contains it (a cycle)",
                                     event.start_mark)
                anchor = None
            try:
                if self.depth > MAX_YAML_DEPTH:
                    raise _YamlLimit(f"nested deeper than {MAX_YAML_DEPTH} levels", event.start_mark)
                if anchor is not None:
                    self.open_anchors.append(anchor)
                node = super().compose_node(parent, index)
            finally:
                self.depth -= 1
                if anchor is not None:
                    self.open_anchors.pop()
            sizes = self.sizes
            if id(node) not in sizes:  # an alias returns its anchored node, already counted
                size = 1
                if isinstance(node, yaml.MappingNode):
                    size += sum(sizes.get(id(k), 1) + sizes.get(id(v), 1) for k, v in node.value)
                elif isinstance(node, yaml.SequenceNode):
                    size += sum(sizes.get(id(child), 1) for child in node.value)
                sizes[id(node)] = size
                if size > MAX_YAML_NODES:
                    raise _YamlLimit(f"this value expands to more than {MAX_YAML_NODES} values through aliases "
                                     "(*name); golive does not expand alias bombs", getattr(node, "start_mark", None))
            return node

        def construct_object(self, node: Any, deep: bool = False) -> Any:
            try:
                return super().construct_object(node, deep)
            except (yaml.YAMLError, _YamlLimit):
                raise
            except Exception as exc:  # ValueError, OverflowError, AttributeError from a constructor
                # Never the value itself in the message: it may be a secret (md5_key: 0x_...).
                tag = str(node.tag).rsplit(":", 1)[-1]
                hint = "a number with more than 4300 digits" if "digits" in str(exc) else type(exc).__name__
                raise _YamlLimit(f"cannot read this value as YAML {tag} ({hint}); quote it if it is text",
                                 node.start_mark) from None

    return BoundedLoader(text)


def parse_yaml(text: str, file: str) -> tuple[Any, dict[str, int]]:
    """Data and dotted-key line numbers of a YAML document, bounded in nesting and alias expansion.
    Every problem is an InputError naming the file and line."""
    import yaml

    try:
        loader = _bounded_loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except _YamlLimit as exc:
        raise InputError(exc.message, file=file, line=exc.mark.line + 1 if exc.mark else None) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(f"not valid YAML: {exc.problem or exc.context}", file=file, line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=file) from None
    lines: dict[str, int] = {}
    if node is not None:
        _walk_lines(node, "", lines)
    return _normalise(data), lines


def _dotted(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def is_secret_key(key: str) -> bool:
    """Whether a dotted key is (inside) a secret: its value must never be shown in a message."""
    from golive.signing import SECRET_CONFIG_KEYS

    return any(key == name or key.startswith((name + ".", name + "[")) for name in SECRET_CONFIG_KEYS)


_YAML_TYPES = {"dict": "a mapping", "list": "a list", "str": "a string", "int": "a number", "float": "a number",
               "bool": "a boolean (true/false, yes/no, on/off)", "NoneType": "nothing (null)"}


def _kind_of(value: Any) -> str:
    return _YAML_TYPES.get(type(value).__name__, type(value).__name__)


def _friendly(error: Any, key: str = "") -> str:
    """Turn a jsonschema error into a message a merchant engineer can act on. Under a secret key
    (`golive.signing.SECRET_CONFIG_KEYS`) the message never holds the value, nor a key written inside it."""
    secret = is_secret_key(key)
    instance = error.instance
    scalar = not isinstance(instance, (dict, list))
    if error.validator == "type" and error.validator_value == "string" and isinstance(instance, (int, float, bool)):
        if secret:
            return f"quote this value: YAML reads it as {_kind_of(instance)} (not shown: it is a secret)"
        return f"quote this value: {instance!r} is read by YAML as a {type(instance).__name__}"
    if secret:
        found = "" if isinstance(instance, dict) else (", found an empty string" if instance == "" else
                                                       f", found {_kind_of(instance)}")
        return f"expected {{env: NAME}}, {{file: PATH}} or a quoted string{found} (the value is a secret: not shown)"
    if error.validator == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        names = {"object": "a mapping", "array": "a list", "string": "a string", "number": "a number",
                 "integer": "a whole number", "boolean": "true or false"}
        return f"expected {names.get(expected, expected)}, found {_kind_of(instance)}"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(instance) - set(allowed)) if isinstance(instance, dict) else []
        return f"unknown key(s) {', '.join(map(str, extra))}; allowed: {', '.join(allowed)}"
    if error.validator == "oneOf" and isinstance(instance, dict):
        if {"env", "file"} & set(instance) or not instance:
            return "expected {env: NAME} or {file: PATH} (or a string)"
        return "expected exactly one of http: or command:"
    if error.validator == "enum":
        return f"{instance!r} is not one of {error.validator_value}" if scalar else \
            f"expected one of {error.validator_value}, found {_kind_of(instance)}"
    if error.validator == "required":
        return str(error.message).replace("is a required property", "is required")
    if not scalar and error.validator in ("oneOf", "anyOf", "not", "const"):
        return f"{_kind_of(instance)} is not valid here"  # jsonschema would print the whole value
    return str(error.message)


def _non_finite(node: Any, key: str) -> str | None:
    """The dotted key of the first NaN or infinite number in the config (YAML .nan, .inf)."""
    if isinstance(node, float) and not math.isfinite(node):
        return key or "(top level)"
    if isinstance(node, dict):
        for name, value in node.items():
            found = _non_finite(value, f"{key}.{name}" if key else str(name))
            if found:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _non_finite(value, f"{key}[{index}]")
            if found:
                return found
    return None


def _line_for(key: str, lines: dict[str, int]) -> int | None:
    line = None
    probe = key
    while probe and line is None:
        line = lines.get(probe)
        probe = probe.rpartition(".")[0] if "." in probe else probe.rpartition("[")[0]
    return line


@lru_cache(maxsize=1)
def _validator() -> Any:
    # Built once per process: building it (format checker, meta-schema) costs more than validating.
    from jsonschema import Draft202012Validator

    from golive.config_schema import CONFIG_SCHEMA

    return Draft202012Validator(CONFIG_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def validate(data: Any, lines: dict[str, int], file: str) -> None:
    if not isinstance(data, dict):
        raise InputError("the config must be a YAML mapping (merchant:, signing:, ...)", file=file, line=1)
    # JSON Schema lets NaN through every numeric bound (NaN compares false both ways), and a
    # sleep(NaN) or a limit of NaN then fails late or passes silently: refuse it here.
    bad = _non_finite(data, "")
    if bad:
        raise InputError("not a finite number (.nan and .inf are not allowed); write a number", file=file,
                         line=_line_for(bad, lines), key=bad)
    errors = sorted(_validator().iter_errors(data), key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    if not errors:
        return
    error = errors[0]
    # prefer the most specific error inside a oneOf/anyOf
    while error.context and error.validator not in ("oneOf",):
        error = error.context[0]
    key = _dotted(error.absolute_path) or "(top level)"
    raise InputError(_friendly(error, key), file=file, line=_line_for(key, lines), key=key)


def load_config(path: str | Path, display_name: str | None = None) -> LoadedConfig:
    config_path = Path(path)
    text, raw = _read_text(config_path, "config file")
    data, lines = parse_yaml(text, display_name or str(config_path))
    validate(data, lines, display_name or str(config_path))
    return LoadedConfig(path=config_path, data=data, lines=lines, sha256=hashlib.sha256(raw).hexdigest(),
                        display_name=display_name)


@dataclass(frozen=True)
class SecretRef:
    """How a secret (or key) is given in the config, without its value."""

    key: str
    kind: str  # env | file | inline
    name: str  # variable name, path as written, or "" for inline

    def describe(self) -> dict[str, str]:
        return {"key": self.key, "kind": self.kind, "name": self.name}


def secret_ref(config: LoadedConfig, key: str) -> SecretRef | None:
    value = config.get(key)
    if value is None:
        return None
    if isinstance(value, dict) and "env" in value:
        return SecretRef(key, "env", value["env"])
    if isinstance(value, dict) and "file" in value:
        return SecretRef(key, "file", value["file"])
    return SecretRef(key, "inline", "")


def resolve_path(config: LoadedConfig, written: str) -> Path:
    path = Path(written).expanduser()
    return path if path.is_absolute() else config.base_dir / path


def read_secret(config: LoadedConfig, ref: SecretRef, environ: dict[str, str]) -> tuple[str, Path | None]:
    """The secret's text, and the file it came from. InputError names the key when unreadable."""
    if ref.kind == "env":
        value = environ.get(ref.name)
        if value is None or value == "":
            raise config.error(ref.key, f"environment variable {ref.name} is not set")
        return value.strip(), None
    if ref.kind == "file":
        path = resolve_path(config, ref.name)
        text, _ = _read_text(path, "key file", key=ref.key)
        if not text.strip():
            raise InputError("file is empty", file=str(path), key=ref.key)
        return text.strip(), path
    value = config.get(ref.key)
    return str(value).strip(), None


def iter_secret_refs(config: LoadedConfig) -> Iterator[SecretRef]:
    """How each key-material slot (golive.signing.KEY_SLOTS) is given, for the slots that are."""
    from golive.signing import KEY_SLOTS

    for slot in KEY_SLOTS:
        ref = secret_ref(config, slot.key)
        if ref:
            yield ref
