"""The code engine: tree-sitter grammars (the optional ``[scan]`` extra) and a small, uniform
view of a parsed file that the LL-SEC code rules read.

Why a view: the notify rules ask the same questions in six languages ("which functions handle
LianLian's notification?", "is the ack written before the order update?"). One tree-sitter
query per language (`_IR_QUERIES`) captures calls, strings, functions, lambdas, branches, exits
and assignments; `Syntax` turns the captures into plain records (`Call`, `Unit`, `Branch`, ...)
with byte offsets, so a rule is written once. Rules that are plain patterns (TLS switched off)
keep their own tree-sitter queries in their rule file and run them with `Syntax.matches`.

Nothing here is imported by the base install: `load_engine()` imports tree_sitter on first use
and says why when it cannot (the code rules then report ``not_run``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from golive.model import Severity, Text
from golive.scan.model import Hit, Secret
from golive.scan.source import SourceFile

if TYPE_CHECKING:  # pragma: no cover - typing only
    from tree_sitter import Node, Parser, Query, Tree

# language -> (grammar module, function returning the language capsule)
GRAMMARS: dict[str, tuple[str, str]] = {
    "java": ("tree_sitter_java", "language"),
    "php": ("tree_sitter_php", "language_php"),
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "csharp": ("tree_sitter_c_sharp", "language"),
}
ALL_LANGUAGES = frozenset(GRAMMARS)

_JS_IR = """
(call_expression) @call (new_expression) @call
(string) @string (template_string) @string
(function_declaration) @function (generator_function_declaration) @function (method_definition) @function
(function_expression) @lambda (arrow_function) @lambda
(if_statement) @cond (switch_statement) @cond (ternary_expression) @cond
(switch_case) @branch (switch_default) @branch (catch_clause) @branch
(return_statement) @exit (throw_statement) @exit
(variable_declarator) @assign (assignment_expression) @assign
(class_declaration) @class
"""
_IR_QUERIES: dict[str, str] = {
    "java": """
(method_invocation) @call (object_creation_expression) @call
(string_literal) @string
(method_declaration) @function (constructor_declaration) @function
(lambda_expression) @lambda
(if_statement) @cond (switch_expression) @cond (ternary_expression) @cond
(switch_block_statement_group) @branch (switch_rule) @branch (catch_clause) @branch
(return_statement) @exit (throw_statement) @exit
(variable_declarator) @assign (assignment_expression) @assign
(class_declaration) @class (enum_declaration) @class (interface_declaration) @class
""",
    "php": """
(function_call_expression) @call (member_call_expression) @call (scoped_call_expression) @call
(nullsafe_member_call_expression) @call (object_creation_expression) @call
(echo_statement) @call (print_intrinsic) @call (exit_statement) @call
(string) @string (encapsed_string) @string (heredoc) @string (nowdoc) @string
(function_definition) @function (method_declaration) @function
(anonymous_function) @lambda (arrow_function) @lambda
(if_statement) @cond (switch_statement) @cond (conditional_expression) @cond
(case_statement) @branch (default_statement) @branch (catch_clause) @branch
(return_statement) @exit (throw_expression) @exit (exit_statement) @exit
(assignment_expression) @assign
(class_declaration) @class
""",
    "python": """
(call) @call
(string) @string
(function_definition) @function
(lambda) @lambda
(if_statement) @cond (match_statement) @cond (conditional_expression) @cond
(case_clause) @branch (except_clause) @branch
(return_statement) @exit (raise_statement) @exit
(assignment) @assign
(class_definition) @class
""",
    "javascript": _JS_IR,
    "typescript": _JS_IR,
    "tsx": _JS_IR,
    "go": """
(call_expression) @call
(interpreted_string_literal) @string (raw_string_literal) @string
(function_declaration) @function (method_declaration) @function
(func_literal) @lambda
(if_statement) @cond (expression_switch_statement) @cond (type_switch_statement) @cond
(expression_case) @branch (default_case) @branch
(return_statement) @exit
(short_var_declaration) @assign (assignment_statement) @assign (var_spec) @assign (const_spec) @assign
""",
    "csharp": """
(invocation_expression) @call (object_creation_expression) @call
(string_literal) @string (verbatim_string_literal) @string (interpolated_string_expression) @string
(raw_string_literal) @string
(method_declaration) @function (constructor_declaration) @function (local_function_statement) @function
(lambda_expression) @lambda (anonymous_method_expression) @lambda
(if_statement) @cond (switch_statement) @cond (switch_expression) @cond (conditional_expression) @cond
(switch_section) @branch (catch_clause) @branch
(return_statement) @exit (throw_statement) @exit (throw_expression) @exit
(variable_declarator) @assign (assignment_expression) @assign
(class_declaration) @class
""",
}
# Calls that end the request on the spot, wherever they stand (PHP die/exit are statements).
_EXIT_CALLS = frozenset({"exit", "die", "panic", "abort", "os.Exit", "sys.exit"})
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_STRING_PREFIX = re.compile(r"""^[A-Za-z@$]*(\"\"\"|'''|"|'|`|<<<['"]?\w+['"]?\r?\n)""")


@dataclass(frozen=True, slots=True)
class Call:
    """A call (or PHP echo/print/exit). `callee` is the text before the arguments
    (``resp.getWriter().write``), `name` its last identifier, `args` the argument text."""

    start: int
    end: int
    name: str
    callee: str
    args: str
    args_start: int


@dataclass(frozen=True, slots=True)
class StringLit:
    start: int
    end: int
    value: str  # contents without quotes; \" and \' unescaped


@dataclass(frozen=True, slots=True)
class Branch:
    """A block that runs only on some paths: an if's consequence or else, a case, a catch."""

    start: int
    end: int
    exits: bool  # contains a return/throw/exit, so the path ends inside it


@dataclass(frozen=True, slots=True)
class Condition:
    """An if/switch/ternary: the condition's text and the blocks it chooses between."""

    start: int
    end: int
    test: str
    test_start: int
    blocks: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class Assign:
    target: str
    value: str
    start: int
    end: int


@dataclass(slots=True)
class Unit:
    """A function, method, lambda or a file's top level: where a handler's statements live.

    What tells a handler's purpose: its `name`; its `header` (annotations, decorators, parameters,
    or for a lambda the call that registers it, with the route); `scope`, the enclosing class
    names; and `path`, the file."""

    start: int
    end: int
    name: str
    header: str
    scope: str
    path: str
    kind: str  # function | lambda | file
    owner: int = -1  # index of the innermost enclosing named unit (-1: none), for lambdas


@dataclass(frozen=True)
class Engine:
    """The tree-sitter runtime, or the reason it is unavailable."""

    available: bool
    version: str = ""
    reason: str | None = None
    _parsers: dict[str, Any] = field(default_factory=dict, repr=False)
    _languages: dict[str, Any] = field(default_factory=dict, repr=False)
    _queries: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    _broken: dict[str, str] = field(default_factory=dict, repr=False)

    def language(self, lang: str) -> Any | None:
        if lang in self._languages:
            return self._languages[lang]
        if lang in self._broken or not self.available:
            return None
        import importlib

        from tree_sitter import Language

        module_name, attr = GRAMMARS[lang]
        try:
            module = importlib.import_module(module_name)
            language = Language(getattr(module, attr)())
        except Exception as exc:  # a missing or incompatible grammar wheel: that language only
            self._broken[lang] = f"{module_name}: {type(exc).__name__}: {exc}"
            return None
        self._languages[lang] = language
        return language

    def broken_languages(self) -> dict[str, str]:
        return dict(self._broken)

    def parser(self, lang: str) -> Parser | None:
        parser = self._parsers.get(lang)
        if parser is None:
            language = self.language(lang)
            if language is None:
                return None
            from tree_sitter import Parser as _Parser

            parser = self._parsers[lang] = _Parser(language)
        return parser

    def query(self, lang: str, source: str) -> Query:
        key = (lang, source)
        query = self._queries.get(key)
        if query is None:
            from tree_sitter import Query as _Query

            language = self.language(lang)
            if language is None:  # callers parse first, so the grammar loaded; say so if not
                raise LookupError(f"no tree-sitter grammar for {lang}")
            query = self._queries[key] = _Query(language, source)
        return query

    def parse(self, source: SourceFile) -> Syntax | None:
        parser = self.parser(source.kind)
        if parser is None:
            return None
        data = source.text.encode("utf-8", "surrogatepass")
        return Syntax(self, source, data, parser.parse(data))


@lru_cache(maxsize=1)
def load_engine() -> Engine:
    """The engine, imported once; an unavailable one carries the install hint."""
    try:
        import tree_sitter
    except ImportError:
        return Engine(False, reason="tree-sitter is not installed: pip install 'lianlian-golive[scan]'")
    version = getattr(tree_sitter, "__version__", "") or _dist_version("tree-sitter")
    return Engine(True, version=version)


def _dist_version(name: str) -> str:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return ""


def _first(node: Node, *names: str) -> Node | None:
    for name in names:
        child = node.child_by_field_name(name)
        if child is not None:
            return child
    return None


class Syntax:
    """One parsed file: the uniform records rules read, built lazily from one IR query."""

    def __init__(self, engine: Engine, source: SourceFile, data: bytes, tree: Tree) -> None:
        self.engine = engine
        self.source = source
        self.lang = source.kind
        self.data = data
        self.tree = tree
        self._ascii = len(data) == len(source.text)
        self._built = False
        self.calls: list[Call] = []
        self.strings: list[StringLit] = []
        self.units: list[Unit] = []
        self.conditions: list[Condition] = []
        self.branches: list[Branch] = []
        self.exits: list[tuple[int, int]] = []
        self.assigns: list[Assign] = []
        self._named: list[Unit] = []

    # -- text and positions ------------------------------------------------------------------
    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "replace")

    def node_text(self, node: Node | None) -> str:
        return "" if node is None else self.text(node.start_byte, node.end_byte)

    def char(self, byte_offset: int) -> int:
        if self._ascii:
            return byte_offset
        return len(self.data[:byte_offset].decode("utf-8", "replace"))

    def hit(self, start: int, end: int, message: Text, *, severity: Severity | None = None,
            data: Mapping[str, Any] | None = None, secrets: Iterable[tuple[int, int, str]] = ()) -> Hit:
        """A hit from byte offsets (what tree-sitter gives) to character offsets (what hits hold)."""
        return Hit(self.char(start), self.char(end), message, severity=severity, data=dict(data or {}),
                   secrets=tuple(Secret(self.char(s), self.char(e), label) for s, e, label in secrets))

    def matches(self, query_source: str) -> list[dict[str, list[Node]]]:
        """Run a rule's own tree-sitter query; one capture dict per match."""
        from tree_sitter import QueryCursor

        cursor = QueryCursor(self.engine.query(self.lang, query_source))
        return [captures for _, captures in cursor.matches(self.tree.root_node)]

    # -- the uniform view --------------------------------------------------------------------
    def build(self) -> Syntax:
        if self._built:
            return self
        self._built = True
        from tree_sitter import QueryCursor

        captures = QueryCursor(self.engine.query(self.lang, _IR_QUERIES[self.lang])).captures(self.tree.root_node)
        for node in captures.get("call", ()):
            call = self._call(node)
            if call is not None:
                self.calls.append(call)
        self.calls.sort(key=lambda c: c.start)
        for node in captures.get("string", ()):
            self.strings.append(StringLit(node.start_byte, node.end_byte, self._string_value(node)))
        self.strings.sort(key=lambda s: s.start)
        exits = [(n.start_byte, n.end_byte) for n in captures.get("exit", ())]
        exits += [(c.start, c.end) for c in self.calls if c.name in _EXIT_CALLS or c.callee in _EXIT_CALLS]
        self.exits = sorted(exits)
        for node in captures.get("cond", ()):
            self.conditions.append(self._condition(node))
        branch_nodes = list(captures.get("branch", ()))
        for condition in self.conditions:
            if condition.blocks and condition.test:
                for start, end in condition.blocks:
                    self.branches.append(Branch(start, end, self._exits_within(start, end)))
        for node in branch_nodes:
            self.branches.append(Branch(node.start_byte, node.end_byte,
                                        self._exits_within(node.start_byte, node.end_byte)))
        for node in captures.get("assign", ()):
            assign = self._assign(node)
            if assign is not None:
                self.assigns.append(assign)
        classes = list(captures.get("class", ()))
        self._units(list(captures.get("function", ())), list(captures.get("lambda", ())), classes)
        return self

    def _exits_within(self, start: int, end: int) -> bool:
        return any(start <= s and e <= end for s, e in self.exits)

    def _call(self, node: Node) -> Call | None:
        kind = node.type
        if kind in ("echo_statement", "print_intrinsic", "exit_statement"):
            keyword = {"echo_statement": "echo", "print_intrinsic": "print", "exit_statement": "exit"}[kind]
            first = node.named_children[0] if node.named_children else None
            start = first.start_byte if first is not None else node.end_byte
            text = self.text(node.start_byte, node.end_byte)
            if kind == "exit_statement" and text.lstrip().lower().startswith("die"):
                keyword = "die"
            return Call(node.start_byte, node.end_byte, keyword, keyword, self.text(start, node.end_byte), start)
        args = _first(node, "arguments")
        head = _first(node, "function", "constructor", "type", "name")
        if args is None:
            if head is None:
                return None
            args_start = node.end_byte
        else:
            args_start = args.start_byte
        callee = self.text(node.start_byte, args_start).strip()
        if kind in ("object_creation_expression", "new_expression"):
            callee = callee[3:].strip() if callee.startswith("new") else callee
        names = _IDENT.findall(callee)
        name = names[-1].lstrip("$") if names else ""
        return Call(node.start_byte, node.end_byte, name, callee,
                    self.text(args_start, node.end_byte) if args is not None else "", args_start)

    def _string_value(self, node: Node) -> str:
        text = self.node_text(node)
        match = _STRING_PREFIX.match(text)
        if match:
            quote = match.group(1).strip()
            text = text[match.end():]
            if quote in ('"""', "'''", '"', "'", "`") and text.endswith(quote):
                text = text[: -len(quote)]
        return text.replace('\\"', '"').replace("\\'", "'")

    def _condition(self, node: Node) -> Condition:
        test = _first(node, "condition", "value", "subject")
        if test is None and node.type in ("expression_switch_statement", "type_switch_statement"):
            test = _first(node, "value", "alias")
        if test is None and node.named_children:
            test = node.named_children[0]
        blocks: list[tuple[int, int]] = []
        for name in ("consequence", "alternative", "body"):
            for child in node.children_by_field_name(name):
                # PHP: else/elseif clauses hold their own body
                inner = _first(child, "body") if child.type in ("else_clause", "else_if_clause") else None
                target = inner or child
                blocks.append((target.start_byte, target.end_byte))
        test_start = test.start_byte if test is not None else node.start_byte
        return Condition(node.start_byte, node.end_byte, self.node_text(test), test_start, tuple(blocks))

    def _assign(self, node: Node) -> Assign | None:
        target = _first(node, "name", "left")
        value = _first(node, "value", "right")
        if target is None:
            return None
        if value is None:
            text = self.text(target.end_byte, node.end_byte)
            cut = text.find("=")
            if cut < 0:
                return None
            value_text = text[cut + 1:].strip()
        else:
            value_text = self.node_text(value)
        return Assign(self.node_text(target).strip(), value_text, node.start_byte, node.end_byte)

    def _units(self, functions: list[Node], lambdas: list[Node], classes: list[Node]) -> None:
        class_spans = [(c.start_byte, c.end_byte, self.node_text(_first(c, "name"))) for c in classes]
        path = self.source.path

        def scope(offset: int) -> str:
            return " ".join(n for s, e, n in class_spans if s <= offset < e)

        named: list[Unit] = []
        for node in functions:
            name = self.node_text(_first(node, "name"))
            body = _first(node, "body")
            start = node.start_byte
            if node.parent is not None and node.parent.type == "decorated_definition":
                start = node.parent.start_byte  # Python decorators hold the route
            header = self.text(start, body.start_byte if body is not None else node.end_byte)
            named.append(Unit(node.start_byte, node.end_byte, name, header, scope(node.start_byte), path, "function"))
        named.sort(key=lambda u: u.start)
        self._named = named
        units: list[Unit] = list(named)
        for node in lambdas:
            units.append(Unit(node.start_byte, node.end_byte, "", self._lambda_context(node), scope(node.start_byte),
                              path, "lambda", self._owner(named, node.start_byte)))
        units.append(Unit(0, len(self.data), "", "", "", path, "file"))
        self.units = units

    @staticmethod
    def _owner(named: list[Unit], offset: int) -> int:
        owner = -1
        for index, unit in enumerate(named):
            if unit.start <= offset < unit.end:
                owner = index  # sorted by start: the last one containing it is the innermost
        return owner

    def _lambda_context(self, node: Node) -> str:
        """Where an anonymous function is registered: ``app.post('/llpay/notify', (req, res) => …)``,
        ``http.HandleFunc("/notify", func(...))``, ``const notify = …``, ``Route::post(...)``."""
        parent = node.parent
        for _ in range(3):
            if parent is None:
                break
            kind = parent.type
            if kind in ("variable_declarator", "assignment_expression", "assignment", "pair", "short_var_declaration",
                        "assignment_statement", "keyed_element"):
                target = _first(parent, "name", "left", "key")
                return self.node_text(target) if target is not None else self.node_text(parent)[:80]
            if kind in ("call_expression", "method_invocation", "invocation_expression", "call",
                        "function_call_expression", "member_call_expression", "scoped_call_expression"):
                args = _first(parent, "arguments")
                callee = self.text(parent.start_byte, args.start_byte if args is not None else parent.end_byte)
                strings = [self._string_value(s) for s in (args.named_children if args is not None else [])
                           if s.type in ("string", "string_literal", "interpreted_string_literal", "encapsed_string")]
                # PHP wraps each argument in an `argument` node
                if args is not None and not strings:
                    for child in args.named_children:
                        inner = child.named_children[0] if child.type == "argument" and child.named_children else None
                        if inner is not None and inner.type in ("string", "encapsed_string", "string_literal"):
                            strings.append(self._string_value(inner))
                return f"{callee} {' '.join(strings)}"
            parent = parent.parent
        return ""

    # -- queries the rules use ------------------------------------------------------------------
    def owner_of(self, unit: Unit) -> int:
        if unit.kind == "function":
            return next(i for i, u in enumerate(self._named) if u is unit)
        if unit.kind == "lambda":
            return unit.owner
        return -1

    def owns(self, unit: Unit, offset: int) -> bool:
        """Whether code at `offset` runs as part of `unit`: inside it, including anonymous
        functions it passes along (callbacks, executor tasks), excluding named functions declared
        inside it. A file's top level owns only what is outside every function and lambda."""
        if not (unit.start <= offset < unit.end):
            return False
        if unit.kind == "file":
            return not any(u.start <= offset < u.end for u in self.units if u.kind != "file")
        return self._owner(self._named, offset) == self.owner_of(unit)

    def unit_calls(self, unit: Unit) -> list[Call]:
        return [c for c in self.calls if self.owns(unit, c.start)]

    def unit_text(self, unit: Unit) -> str:
        return self.text(unit.start, unit.end)

    def strings_in(self, start: int, end: int) -> list[StringLit]:
        return [s for s in self.strings if start <= s.start and s.end <= end]

    def innermost_branch(self, offset: int, within: Unit) -> Branch | None:
        best: Branch | None = None
        for branch in self.branches:
            if within.start <= branch.start <= offset < branch.end <= within.end:
                if best is None or branch.start >= best.start:
                    best = branch
        return best

    def exit_at(self, start: int, end: int) -> bool:
        """Whether an exit statement (return/throw/exit) encloses the span (a ``return res.json()``)."""
        return any(s <= start and end <= e for s, e in self.exits)
