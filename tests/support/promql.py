"""PromQL read by promql-parser (the Rust parser Prometheus' own grammar is ported to): the
metric names an expression selects, for checking them against what the apps export."""

import promql_parser

# The attributes of a node that hold sub-expressions (BinaryExpr, AggregateExpr, Call,
# MatrixSelector, ParenExpr, UnaryExpr, SubqueryExpr).
CHILDREN = ("lhs", "rhs", "expr", "param", "args", "vector_selector")


def selectors(expression: str) -> list[tuple[str, dict[str, str]]]:
    """Each vector selector of the expression: its metric name ("" when it has none) and the
    labels it requires to be equal."""
    found = []
    pending = [promql_parser.parse(expression)]
    while pending:
        node = pending.pop()
        if isinstance(node, promql_parser.VectorSelector):
            equal = {m.name: m.value for m in node.matchers.matchers if m.op == promql_parser.MatchOp.Equal}
            found.append((node.name or equal.pop("__name__", ""), equal))
            continue
        for attribute in CHILDREN:
            child = getattr(node, attribute, None)
            if isinstance(child, list):
                pending.extend(child)
            elif child is not None and not isinstance(child, (str, int, float)):
                pending.append(child)
    return found


def metric_names(expression: str) -> set[str]:
    """Every metric name the expression selects (a `{__name__="x"}` matcher counts too)."""
    return {name for name, _ in selectors(expression) if name}
