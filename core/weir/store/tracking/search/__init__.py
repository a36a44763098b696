"""MLflow's search language: parse filters/order_by (``parser``) and compile them to SQL (``compiler``)."""

from weir.store.tracking.search.ast import ATTRIBUTE, DATASET, METRIC, PARAM, TAG, Comparison, OrderBy
from weir.store.tracking.search.compiler import (
    PostgresDialect,
    SqlDialect,
    SqliteDialect,
    compile_experiment_search,
    compile_run_search,
)
from weir.store.tracking.search.paging import decode_page_token, encode_page_token
from weir.store.tracking.search.parser import (
    EXPERIMENTS,
    RUNS,
    SearchSpec,
    parse_filter,
    parse_order_by,
    parse_order_bys,
)

__all__ = [
    "ATTRIBUTE",
    "DATASET",
    "EXPERIMENTS",
    "METRIC",
    "PARAM",
    "RUNS",
    "TAG",
    "Comparison",
    "OrderBy",
    "PostgresDialect",
    "SearchSpec",
    "SqlDialect",
    "SqliteDialect",
    "compile_experiment_search",
    "compile_run_search",
    "decode_page_token",
    "encode_page_token",
    "parse_filter",
    "parse_order_by",
    "parse_order_bys",
]
