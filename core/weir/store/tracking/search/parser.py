"""Parser for MLflow's search languages: filters (``metrics.acc > 0.5 and params.model = 'rf'``)
and order_by clauses (``metrics.acc DESC``).

A ``SearchSpec`` says which entities and attributes a search accepts (runs, experiments, registered
models, model versions); the parser checks every clause against it, so the SQL compiler only ever
sees valid clauses. Errors are INVALID_PARAMETER_VALUE naming the offending token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from weir.exceptions import InvalidParameterValue
from weir.store.tracking.search.ast import ATTRIBUTE, DATASET, METRIC, PARAM, TAG, Comparison, OrderBy

_PREFIXES = {
    "metrics": METRIC,
    "metric": METRIC,
    "params": PARAM,
    "param": PARAM,
    "parameter": PARAM,
    "parameters": PARAM,
    "tags": TAG,
    "tag": TAG,
    "attributes": ATTRIBUTE,
    "attribute": ATTRIBUTE,
    "attr": ATTRIBUTE,
    "run": ATTRIBUTE,
    "datasets": DATASET,
    "dataset": DATASET,
}

_NUMERIC_OPS = frozenset({"=", "!=", "<", "<=", ">", ">="})
_STRING_OPS = frozenset({"=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"})
_NULL_OPS = frozenset({"IS NULL", "IS NOT NULL"})
_DATASET_KEYS = frozenset({"name", "digest", "context"})


@dataclass(frozen=True)
class SearchSpec:
    """What one kind of search accepts. Attribute maps go from accepted spelling to canonical name."""

    what: str
    string_attributes: dict[str, str]
    numeric_attributes: dict[str, str]
    kinds: frozenset[str] = frozenset()
    order_attributes: frozenset[str] = frozenset()
    in_attributes: frozenset[str] | None = None  # None: every string attribute accepts IN
    null_kinds: frozenset[str] = field(default_factory=lambda: frozenset({METRIC, PARAM, TAG}))

    def attribute(self, key: str) -> tuple[str, bool] | None:
        """(canonical name, is numeric) for an attribute key, or None."""
        if key in self.string_attributes:
            return self.string_attributes[key], False
        if key in self.numeric_attributes:
            return self.numeric_attributes[key], True
        return None


RUNS = SearchSpec(
    what="runs",
    string_attributes={
        "run_id": "run_id",
        "run_uuid": "run_id",
        "run_name": "run_name",
        "Run name": "run_name",
        "Run Name": "run_name",
        "status": "status",
        "user_id": "user_id",
        "artifact_uri": "artifact_uri",
        "lifecycle_stage": "lifecycle_stage",
    },
    numeric_attributes={
        "start_time": "start_time",
        "end_time": "end_time",
        "created": "start_time",
        "Created": "start_time",
    },
    kinds=frozenset({METRIC, PARAM, TAG, DATASET}),
    order_attributes=frozenset(
        {
            "run_id",
            "run_name",
            "status",
            "user_id",
            "start_time",
            "end_time",
            "artifact_uri",
            "lifecycle_stage",
        }
    ),
)

EXPERIMENTS = SearchSpec(
    what="experiments",
    string_attributes={"name": "name", "experiment_id": "experiment_id"},
    numeric_attributes={"creation_time": "creation_time", "last_update_time": "last_update_time"},
    kinds=frozenset({TAG}),
    order_attributes=frozenset({"name", "experiment_id", "creation_time", "last_update_time"}),
    in_attributes=frozenset({"experiment_id", "name"}),
)


class Token(NamedTuple):
    kind: str  # ws sq dq bq num op lp rp comma word
    text: str
    start: int
    end: int


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<sq>'(?:[^'\\]|\\.|'')*')
  | (?P<dq>"(?:[^"\\]|\\.|"")*")
  | (?P<bq>`[^`]*`)
  | (?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![\w.]))
  | (?P<op><=|>=|!=|=|<|>)
  | (?P<lp>\()
  | (?P<rp>\))
  | (?P<comma>,)
  | (?P<word>[A-Za-z_][\w]*(?:\.[\w]*)*)
    """,
    re.VERBOSE,
)


def _error(source: str, reason: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Invalid search expression {source!r}: {reason}")


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN_RE.match(source, position)
        if match is None:
            raise _error(
                source,
                f"unexpected character {source[position]!r} at position {position} "
                f"(near {source[position : position + 20]!r}); quote names holding such characters "
                "with backticks, e.g. metrics.`f1-score`",
            )
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
        position = match.end()
    return tokens


def _unquote(token: Token) -> str:
    body = token.text[1:-1]
    if token.kind == "bq":
        return body
    quote = token.text[0]
    body = body.replace(quote * 2, quote)
    return re.sub(r"\\(.)", r"\1", body)


class _Parser:
    def __init__(self, source: str, spec: SearchSpec) -> None:
        self.source = source
        self.spec = spec
        self.tokens = tokenize(source)
        self.i = 0

    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self, expected: str) -> Token:
        token = self.peek()
        if token is None:
            raise _error(self.source, f"expected {expected} but the expression ended")
        self.i += 1
        return token

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.kind == "word" and token.text.upper() in words:
            self.i += 1
            return True
        return False

    # --- identifiers ---------------------------------------------------------------------------
    def identifier(self) -> tuple[str, str]:
        """(kind, key) of ``prefix.key``, ``prefix.`quoted key``` or a bare attribute name."""
        token = self.next("a name such as metrics.acc")
        if token.kind in ("bq", "dq"):
            return self.resolve(None, _unquote(token), token)
        if token.kind != "word":
            raise _error(self.source, f"expected a name such as metrics.acc, found {token.text!r}")
        if token.text.endswith("."):
            quoted = self.peek()
            if quoted is None or quoted.kind not in ("bq", "dq") or quoted.start != token.end:
                raise _error(self.source, f"incomplete name {token.text!r}: a key must follow the '.'")
            self.i += 1
            return self.resolve(token.text[:-1], _unquote(quoted), token)
        if "." in token.text:
            prefix, key = token.text.split(".", 1)
            return self.resolve(prefix, key, token)
        return self.resolve(None, token.text, token)

    def resolve(self, prefix: str | None, key: str, token: Token) -> tuple[str, str]:
        if prefix is None:
            kind = ATTRIBUTE
        else:
            kind = _PREFIXES.get(prefix.lower())
            if kind is None:
                raise _error(
                    self.source,
                    f"unknown entity {prefix!r} in {token.text!r}; expected one of "
                    + ", ".join(
                        sorted(p + "." for p in _PREFIXES if _PREFIXES[p] in self.spec.kinds | {ATTRIBUTE})
                    ),
                )
        if not key:
            raise _error(self.source, f"empty key in {token.text!r}")
        if kind == ATTRIBUTE:
            found = self.spec.attribute(key)
            if found is None:
                valid = sorted(set(self.spec.string_attributes) | set(self.spec.numeric_attributes))
                raise _error(
                    self.source,
                    f"invalid attribute {key!r} for searching {self.spec.what}; valid attributes: "
                    + ", ".join(valid),
                )
            return ATTRIBUTE, found[0]
        if kind not in self.spec.kinds:
            raise _error(self.source, f"{prefix}. keys cannot be used when searching {self.spec.what}")
        if kind == DATASET and key not in _DATASET_KEYS:
            raise _error(self.source, f"invalid dataset attribute {key!r}; expected name, digest or context")
        return kind, key

    # --- comparisons ---------------------------------------------------------------------------
    def operator(self) -> str:
        token = self.next("a comparison operator")
        if token.kind == "op":
            return token.text
        if token.kind == "word":
            word = token.text.upper()
            if word in ("LIKE", "ILIKE", "IN"):
                return word
            if word == "NOT" and self.keyword("IN"):
                return "NOT IN"
            if word == "IS":
                negated = self.keyword("NOT")
                if not self.keyword("NULL"):
                    raise _error(self.source, "expected NULL after IS / IS NOT")
                return "IS NOT NULL" if negated else "IS NULL"
        raise _error(
            self.source,
            f"expected a comparison operator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL), "
            f"found {token.text!r}",
        )

    def value(self, op: str):
        if op in _NULL_OPS:
            return None
        if op in ("IN", "NOT IN"):
            return self.value_list()
        token = self.next("a value")
        if token.kind in ("sq", "dq"):
            return _unquote(token)
        if token.kind == "num":
            text = token.text
            return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
        raise _error(self.source, f"expected a quoted string or a number, found {token.text!r}")

    def value_list(self) -> tuple[str, ...]:
        opening = self.next("'(' starting a list of values")
        if opening.kind != "lp":
            raise _error(self.source, f"IN needs a parenthesised list of strings, found {opening.text!r}")
        values: list[str] = []
        while True:
            token = self.next("a quoted string")
            if token.kind not in ("sq", "dq"):
                raise _error(self.source, f"IN lists hold quoted strings, found {token.text!r}")
            values.append(_unquote(token))
            separator = self.next("',' or ')'")
            if separator.kind == "rp":
                return tuple(values)
            if separator.kind != "comma":
                raise _error(self.source, f"expected ',' or ')' in the IN list, found {separator.text!r}")

    def comparison(self) -> Comparison:
        start = self.peek()
        kind, key = self.identifier()
        op = self.operator()
        value = self.value(op)
        return self.check(Comparison(kind, key, op, value), start)

    def check(self, clause: Comparison, start: Token | None) -> Comparison:
        name = f"{clause.kind}s.{clause.key}" if clause.kind != ATTRIBUTE else clause.key
        numeric = clause.kind == METRIC or (
            clause.kind == ATTRIBUTE and clause.key in self.spec.numeric_attributes.values()
        )
        if clause.op in _NULL_OPS:
            allowed = clause.kind in self.spec.null_kinds
        elif numeric:
            allowed = clause.op in _NUMERIC_OPS
        elif clause.kind == ATTRIBUTE and clause.op in ("IN", "NOT IN"):
            allowed = self.spec.in_attributes is None or clause.key in self.spec.in_attributes
        else:
            allowed = clause.op in _STRING_OPS
        if not allowed:
            raise _error(self.source, f"operator {clause.op!r} is not supported for {name}")
        if numeric and clause.op not in _NULL_OPS and not isinstance(clause.value, (int, float)):
            raise _error(self.source, f"{name} is numeric; compare it with a number, not {clause.value!r}")
        if not numeric and isinstance(clause.value, (int, float)):
            raise _error(
                self.source, f"{name} holds strings; quote the value: {name} {clause.op} '{clause.value}'"
            )
        return clause

    def parse_filter(self) -> list[Comparison]:
        clauses = [self.comparison()]
        while self.peek() is not None:
            token = self.next("AND")
            if token.kind == "word" and token.text.upper() == "AND":
                clauses.append(self.comparison())
            elif token.kind == "word" and token.text.upper() == "OR":
                raise _error(self.source, "OR is not supported; combine clauses with AND")
            else:
                raise _error(self.source, f"expected AND between clauses, found {token.text!r}")
        return clauses


def parse_filter(filter_string: str | None, spec: SearchSpec = RUNS) -> list[Comparison]:
    """The AND-ed comparisons of a filter string; None or blank means no filter."""
    if filter_string is None or not filter_string.strip():
        return []
    if not isinstance(filter_string, str):
        raise InvalidParameterValue(f"A filter must be a string, got {filter_string!r}")
    return _Parser(filter_string, spec).parse_filter()


def parse_order_by(clause: str, spec: SearchSpec = RUNS) -> OrderBy:
    """``<entity>.<key> [ASC|DESC]``."""
    if not isinstance(clause, str) or not clause.strip():
        raise InvalidParameterValue(f"Invalid order_by clause {clause!r}: it is empty")
    parser = _Parser(clause, spec)
    kind, key = parser.identifier()
    ascending = True
    if parser.keyword("DESC"):
        ascending = False
    else:
        parser.keyword("ASC")
    rest = parser.peek()
    if rest is not None:
        raise _error(clause, f"unexpected {rest.text!r} after the order_by key; expected ASC or DESC")
    if kind == ATTRIBUTE and key not in spec.order_attributes:
        raise _error(
            clause,
            f"cannot order {spec.what} by {key!r}; orderable: " + ", ".join(sorted(spec.order_attributes)),
        )
    if kind == DATASET:
        raise _error(clause, "cannot order by datasets")
    return OrderBy(kind, key, ascending)


def parse_order_bys(order_by: list[str] | tuple[str, ...] | None, spec: SearchSpec = RUNS) -> list[OrderBy]:
    if order_by is None:
        return []
    if isinstance(order_by, str):
        order_by = [order_by]
    return [parse_order_by(clause, spec) for clause in order_by]
