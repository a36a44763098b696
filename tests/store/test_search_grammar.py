"""The filter / order_by parser, table-driven: what parses to what, and what is rejected."""

from __future__ import annotations

import pytest
from weir.exceptions import WeirException
from weir.store.tracking.search import (
    EXPERIMENTS,
    Comparison,
    OrderBy,
    SqliteDialect,
    compile_run_search,
    parse_filter,
    parse_order_by,
)
from weir.store.tracking.search.compiler import like_to_glob

C = Comparison


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("metrics.acc > 0.5", [C("metric", "acc", ">", 0.5)]),
        ("metric.acc >= 1", [C("metric", "acc", ">=", 1)]),
        ("metrics.loss <= -1e-3", [C("metric", "loss", "<=", -0.001)]),
        ("metrics.`f1 score` < .5", [C("metric", "f1 score", "<", 0.5)]),
        ('metrics."val-loss" != 2', [C("metric", "val-loss", "!=", 2)]),
        ("params.model = 'rf'", [C("param", "model", "=", "rf")]),
        ('param.model = "rf"', [C("param", "model", "=", "rf")]),
        ("parameters.model != 'rf'", [C("param", "model", "!=", "rf")]),
        ("params.model LIKE 'r%'", [C("param", "model", "LIKE", "r%")]),
        ("params.model ilike 'R%'", [C("param", "model", "ILIKE", "R%")]),
        ("params.model IN ('rf', 'svm')", [C("param", "model", "IN", ("rf", "svm"))]),
        ("params.model NOT IN ('rf')", [C("param", "model", "NOT IN", ("rf",))]),
        ("params.model IS NULL", [C("param", "model", "IS NULL", None)]),
        ("params.model is not null", [C("param", "model", "IS NOT NULL", None)]),
        ("tags.mlflow.runName = 'x'", [C("tag", "mlflow.runName", "=", "x")]),
        ("tags.\"mlflow.runName\" = 'x'", [C("tag", "mlflow.runName", "=", "x")]),
        ("tag.`my tag` = 'it''s'", [C("tag", "my tag", "=", "it's")]),
        ("tags.t = 'a\\'b'", [C("tag", "t", "=", "a'b")]),
        ("attributes.status = 'FINISHED'", [C("attribute", "status", "=", "FINISHED")]),
        ("attribute.run_id IN ('a','b')", [C("attribute", "run_id", "IN", ("a", "b"))]),
        ("attr.run_name = 'x'", [C("attribute", "run_name", "=", "x")]),
        ("run.user_id LIKE 'a%'", [C("attribute", "user_id", "LIKE", "a%")]),
        ("`Run name` = 'x'", [C("attribute", "run_name", "=", "x")]),
        ("status != 'FAILED'", [C("attribute", "status", "!=", "FAILED")]),
        ("start_time > 100", [C("attribute", "start_time", ">", 100)]),
        ("created < 5", [C("attribute", "start_time", "<", 5)]),
        ("attributes.end_time <= 5", [C("attribute", "end_time", "<=", 5)]),
        ("artifact_uri ILIKE '%X%'", [C("attribute", "artifact_uri", "ILIKE", "%X%")]),
        ("datasets.name = 'd'", [C("dataset", "name", "=", "d")]),
        (
            "metrics.acc > 0.5 and params.model = 'rf' AND tags.t != 'x'",
            [C("metric", "acc", ">", 0.5), C("param", "model", "=", "rf"), C("tag", "t", "!=", "x")],
        ),
        ("metrics.acc>0.5 AND params.a='b'", [C("metric", "acc", ">", 0.5), C("param", "a", "=", "b")]),
        ("", []),
        ("   ", []),
        (None, []),
    ],
)
def test_filters_parse(filter_string, expected):
    assert parse_filter(filter_string) == expected


@pytest.mark.parametrize(
    ("filter_string", "named"),
    [
        ("metrics.acc > 0.5 OR params.a = 'b'", "OR"),
        ("metrics.acc > 'high'", "numeric"),
        ("params.model = 5", "quote"),
        ("params.model > 'a'", "'>'"),
        ("metrics.acc LIKE '1%'", "LIKE"),
        ("start_time = 'yesterday'", "numeric"),
        ("status IS NULL", "IS NULL"),
        ("foo.bar = 'x'", "'foo'"),
        ("nonsense = 'x'", "'nonsense'"),
        ("metrics.f1-score > 1", "-score"),
        ("metrics.acc >", "value"),
        ("metrics.acc 0.5", "operator"),
        ("metrics.acc > 0.5 params.a = 'b'", "AND"),
        ("params.a IN 'b'", "IN"),
        ("params.a IN ('b' 'c')", "','"),
        ("params.a IN ('b', 3)", "quoted"),
        ("params.a = 'unterminated", "'"),
        ("metrics. = 1", "metrics."),
        ("metrics.acc ~ 1", "~"),
        ("params.a IS 'x'", "NULL"),
        ("datasets.size = 'x'", "size"),
    ],
)
def test_malformed_filters_name_the_bad_token(filter_string, named):
    with pytest.raises(WeirException) as error:
        parse_filter(filter_string)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert named in error.value.message


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("metrics.acc DESC", OrderBy("metric", "acc", False)),
        ("metrics.acc", OrderBy("metric", "acc", True)),
        ("params.x asc", OrderBy("param", "x", True)),
        ("tags.`a b` DESC", OrderBy("tag", "a b", False)),
        ("attributes.start_time ASC", OrderBy("attribute", "start_time", True)),
        ("run_name", OrderBy("attribute", "run_name", True)),
        ("created DESC", OrderBy("attribute", "start_time", False)),
    ],
)
def test_order_by_parses(clause, expected):
    assert parse_order_by(clause) == expected


@pytest.mark.parametrize(
    "clause", ["", "metrics.acc DESC extra", "attributes.nope", "datasets.name", "metrics.acc UP"]
)
def test_bad_order_by_is_rejected(clause):
    with pytest.raises(WeirException):
        parse_order_by(clause)


def test_experiment_spec_accepts_its_attributes_only():
    assert parse_filter("name = 'x' and tags.t IS NULL", EXPERIMENTS) == [
        C("attribute", "name", "=", "x"),
        C("tag", "t", "IS NULL", None),
    ]
    for bad in ("metrics.a > 1", "status = 'x'"):
        with pytest.raises(WeirException):
            parse_filter(bad, EXPERIMENTS)


def test_compiled_sql_is_parameterised():
    filters = parse_filter("params.model = 'x''; DROP TABLE runs; --'")
    sql, params = compile_run_search(SqliteDialect(), [1], ["active"], filters, [], 10, 0)
    assert "DROP" not in sql
    assert "x'; DROP TABLE runs; --" in params


@pytest.mark.parametrize(
    ("like", "glob"),
    [("a%", "a*"), ("_b", "?b"), ("x*y", "x[*]y"), ("q?", "q[?]"), ("[z", "[[]z")],
)
def test_like_patterns_become_case_sensitive_globs(like, glob):
    assert like_to_glob(like) == glob
