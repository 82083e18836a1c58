"""Expressions as text, parsed safely into a ``Value`` graph (for ``gradtrace render``).

The text is parsed with Python's ``ast`` and only a whitelist of forms is accepted; nothing
is ever passed to ``eval``. Supported: numbers, variables (given values, each one leaf
``Value`` shared by all its uses), ``+ - * / **``, unary ``-`` and ``+``, parentheses, the
engine's functions (every function row of ``autograd.ops``: ``exp(x)``, ``sin(x)``,
``leaky_relu(x, slope)``, ``max(x, y)`` or ``maximum(x, y)``, …; ``FUNCTION_NAMES`` lists them),
``sum``/``sum_values``, ``dot([w...], [x...], bias)``, and ``scope("name", expr)``, which
makes the ops of ``expr`` a named group (``autograd.scope``) that ``draw`` can box or collapse.
A sub-expression made of numbers only is computed by the engine and kept as a number, so
``2*3*x`` is one ``*6`` gate.

Every problem is an ``ExpressionError`` carrying the 1-based column it points at.

>>> built = parse_expression("1/(1+exp(-(w0*x0 + w1*x1 + w2)))", {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3})
>>> round(built.root.data, 4), list(built.variables)
(0.7311, ['w0', 'x0', 'w1', 'x1', 'w2'])
>>> parse_expression("2 * y", {"x": 1.0})
Traceback (most recent call last):
...
viz.cli.expression.ExpressionError: column 5: no value for 'y' (give one with --set y=NUMBER)
"""

from __future__ import annotations

import ast
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from autograd import OPS, Gate, Value, dot, no_grad, ops, scope, sum_values

Operand = Value | float


class ExpressionError(ValueError):
    """A problem with an expression; ``column`` (1-based) points at it, or is None for the whole text."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(f"column {column}: {message}" if column is not None else message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class ParsedExpression:
    """The graph built from an expression: its ``root`` and the leaf ``Value`` of each variable."""

    root: Value
    variables: dict[str, Value]


# The functions come from the engine's table of op rules (``autograd.ops``): each row is applied
# through ``autograd.Gate``, so a new row is a new function here with no change to this file.
_UNARY_FUNCTIONS: Mapping[str, Callable[[Value], Value]] = {name: Gate(OPS[name]) for name in ops.FUNCTIONS}
# functions with one number parameter: name -> (parameter name, the row's op)
_PARAMETER_FUNCTIONS: Mapping[str, tuple[str, Callable[..., Value]]] = {
    name: (OPS[name].params[0][0], Gate(OPS[name])) for name in ops.PARAMETER_FUNCTIONS
}
# two-operand functions, under the row's name and under the name of the engine's function for it
_PAIR_ALIASES = {"max": "maximum", "min": "minimum"}
_PAIR_FUNCTIONS: Mapping[str, Callable[[Operand, Operand], Value]] = {
    alias: Gate(OPS[name]) for name in ops.PAIR_FUNCTIONS for alias in (name, _PAIR_ALIASES.get(name, name))
}
_SUM_FUNCTIONS = ("sum", "sum_values")
FUNCTION_NAMES = tuple(
    sorted([*_UNARY_FUNCTIONS, *_PARAMETER_FUNCTIONS, *_PAIR_FUNCTIONS, *_SUM_FUNCTIONS, "dot", "scope"])
)

_BINARY_OPERATORS: Mapping[type[ast.operator], tuple[str, Callable[[Operand, Operand], Operand]]] = {
    ast.Add: ("+", lambda a, b: a + b),
    ast.Sub: ("-", lambda a, b: a - b),
    ast.Mult: ("*", lambda a, b: a * b),
    ast.Div: ("/", lambda a, b: a / b),
    ast.Pow: ("**", lambda a, b: a**b),
}
_OTHER_OPERATORS = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
                    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&"}
_SYNTAX_NAMES = {
    ast.Compare: "a comparison", ast.BoolOp: "'and'/'or'", ast.IfExp: "a conditional expression",
    ast.Lambda: "a lambda", ast.Attribute: "attribute access (write exp(x), not x.exp())",
    ast.Subscript: "indexing", ast.Tuple: "a tuple", ast.List: "a list (only dot takes lists)",
    ast.Dict: "a dict", ast.Set: "a set", ast.ListComp: "a comprehension", ast.GeneratorExp: "a generator",
    ast.SetComp: "a comprehension", ast.DictComp: "a comprehension", ast.JoinedStr: "an f-string",
    ast.NamedExpr: "':='", ast.Starred: "'*' unpacking", ast.Await: "'await'", ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'", ast.Slice: "a slice", ast.FormattedValue: "an f-string",
}


def parse_expression(text: str, values: Mapping[str, float]) -> ParsedExpression:
    """Build the ``Value`` graph of ``text``, its variables taking ``values``; see the module docstring."""
    if not isinstance(text, str):
        raise TypeError(f"expression must be a str, not {type(text).__name__}")
    if not text.strip():
        raise ExpressionError("the expression is empty", 1)
    try:
        with warnings.catch_warnings():
            # "is" with a literal, "2(x)", an invalid escape: the whitelist below rejects or reads
            # them with a column, so the compiler's warning must not reach stderr
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(_syntax_message(error), _syntax_column(text, error)) from None
    except UnicodeEncodeError as error:
        # a lone surrogate (from a terminal's broken paste) cannot become the UTF-8 the parser reads
        raise ExpressionError(f"character {error.object[error.start]!r} is not valid text", error.start + 1) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply or too long to parse", 1) from None
    return _Builder(text, values).build(tree.body)


def _syntax_message(error: SyntaxError) -> str:
    message = error.msg or "invalid syntax"
    if "integer string conversion" in message:
        return "a number has too many digits"
    return message if message.startswith("invalid syntax") else f"invalid syntax: {message}"


def _syntax_column(text: str, error: SyntaxError) -> int:
    # Python reports character offsets for syntax errors; 0 or None means the end of the text
    if not error.offset:
        return len(text) + 1
    line_starts = _line_starts(text)
    line = max(1, min(error.lineno or 1, len(line_starts)))
    return line_starts[line - 1] + error.offset


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


class _Builder:
    """Evaluates a checked AST bottom-up with an explicit stack (no recursion limit on long sums)."""

    def __init__(self, text: str, values: Mapping[str, float]) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True) or [""]
        self.line_starts = _line_starts(text)
        self.values = values
        self.variables: dict[str, Value] = {}

    def build(self, body: ast.expr) -> ParsedExpression:
        result = self.evaluate(body)
        root = result if isinstance(result, Value) else Value(result)
        return ParsedExpression(root, self.variables)

    def column(self, node: ast.AST, byte_offset: int | None = None) -> int:
        """The 1-based column in the whole text of a node (ast offsets count UTF-8 bytes within a line)."""
        lineno = getattr(node, "lineno", 1)
        offset = getattr(node, "col_offset", 0) if byte_offset is None else byte_offset
        line = self.lines[min(lineno, len(self.lines)) - 1]
        characters = len(line.encode("utf-8")[:offset].decode("utf-8", "ignore"))
        return self.line_starts[min(lineno, len(self.line_starts)) - 1] + characters + 1

    def error(self, node: ast.AST, message: str) -> ExpressionError:
        return ExpressionError(message, self.column(node))

    def evaluate(self, root: ast.expr) -> Operand:
        results: dict[int, Operand] = {}
        stack: list[tuple[ast.expr, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                results[id(node)] = self.combine(node, results)
                continue
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(self.operands(node)))
        return results[id(root)]

    def operands(self, node: ast.expr) -> list[ast.expr]:
        """The sub-expressions to evaluate before ``node``, left to right; rejects what is not whitelisted."""
        if isinstance(node, (ast.Constant, ast.Name)):
            return []
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY_OPERATORS:
                symbol = _OTHER_OPERATORS.get(type(node.op), type(node.op).__name__)
                raise ExpressionError(f"operator {symbol!r} is not supported (use + - * / **)",
                                      self.operator_column(node, symbol))
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                symbol = {ast.Not: "not", ast.Invert: "~"}.get(type(node.op), type(node.op).__name__)
                raise self.error(node, f"operator {symbol!r} is not supported (use + - * / **)")
            return [node.operand]
        if isinstance(node, ast.Call):
            return self.call_operands(node)
        raise self.error(node, f"{_SYNTAX_NAMES.get(type(node), type(node).__name__)} is not supported")

    def operator_column(self, node: ast.BinOp, symbol: str) -> int:
        # the operator lies between the operands; point at it rather than at the left operand
        if node.left.end_lineno == node.right.lineno == node.lineno and node.left.end_col_offset is not None:
            line = self.lines[node.lineno - 1].encode("utf-8")
            found = line.find(symbol.encode("utf-8"), node.left.end_col_offset, node.right.col_offset)
            if found >= 0:
                return self.column(node, found)
        return self.column(node)

    def call_operands(self, node: ast.Call) -> list[ast.expr]:
        if not isinstance(node.func, ast.Name):
            raise self.error(node.func, "only the engine's functions can be called, by name (like exp(x))")
        name = node.func.id
        if name not in FUNCTION_NAMES:
            raise self.error(node.func, f"unknown function {name!r}; known: {', '.join(FUNCTION_NAMES)}")
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self.error(argument, f"{name}() does not take '*' arguments")
        if name == "scope":
            # both positional: ``combine`` reads them from node.args
            self.bind(node, name, (), ())
            self.check_arity(node, name, 2, 2, "a name and an expression")
            if not (isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                raise self.error(node.args[0], 'scope() needs a quoted name first, like scope("gate", x * y)')
            return []  # evaluated inside the scope by combine
        if name == "dot":
            self.check_arity(node, name, 2, 3, "two lists and an optional bias")
            *lists, bias = self.dot_arguments(node)
            return [*(element for item in lists for element in item.elts), *([bias] if bias is not None else [])]
        if name in _PARAMETER_FUNCTIONS:
            parameter = _PARAMETER_FUNCTIONS[name][0]
            bound = self.bind(node, name, ("x",), (parameter,))
            self.check_arity(node, name, 1, 2, f"an argument and an optional {parameter}")
            return [argument for argument in bound if argument is not None]
        self.bind(node, name, (), ())  # no keywords
        if name in _UNARY_FUNCTIONS:
            self.check_arity(node, name, 1, 1, "one argument")
        elif name in _PAIR_FUNCTIONS:
            self.check_arity(node, name, 2, 2, "two arguments")
        else:
            self.check_arity(node, name, 1, None, "at least one argument")
        return list(node.args)

    def dot_arguments(self, node: ast.Call) -> tuple[ast.List, ast.List, ast.expr | None]:
        """``dot``'s two lists and its bias (None when not given)."""
        ws, xs, bias = self.bind(node, "dot", ("ws", "xs"), ("bias",))
        lists = []
        for item in (ws, xs):
            if not isinstance(item, ast.List):
                raise self.error(item or node, "dot() takes two lists, like dot([w0, w1], [x0, x1])")
            lists.append(item)
        return lists[0], lists[1], bias

    def bind(self, node: ast.Call, name: str, required: tuple[str, ...], optional: tuple[str, ...]
             ) -> list[ast.expr | None]:
        """The arguments of a call in parameter order (None: an optional one not given), as Python binds them.

        ``required`` are positional only (the operands); ``optional`` may also be given by keyword.
        A keyword the function does not take, one given twice, or a missing operand is an error
        at its column.
        """
        names = (*required, *optional)
        bound: list[ast.expr | None] = [*node.args[: len(names)], *[None] * (len(names) - len(node.args))]
        for keyword in node.keywords:
            if keyword.arg is None:
                raise self.error(keyword, f"{name}() does not take '**' arguments")
            if keyword.arg not in optional:
                takes = f"; it takes {', '.join(repr(o) for o in optional)} by keyword" if optional else ""
                raise self.error(keyword, f"{name}() does not take the keyword {keyword.arg!r}{takes}")
            position = names.index(keyword.arg)
            if bound[position] is not None:
                raise self.error(keyword, f"{name}() got {keyword.arg!r} twice")
            bound[position] = keyword.value
        for position, parameter in enumerate(required):
            if bound[position] is None:
                raise self.error(node.func, f"{name}() needs its {parameter} first, as a positional argument")
        return bound

    def check_arity(self, node: ast.Call, name: str, least: int, most: int | None, wanted: str) -> None:
        count = len(node.args) + len(node.keywords)
        if count < least or (most is not None and count > most):
            raise self.error(node.func, f"{name}() takes {wanted}, got {count} argument{'s' * (count != 1)}")

    def combine(self, node: ast.expr, results: dict[int, Operand]) -> Operand:
        """The value of ``node`` once its operands (in ``results``) are known."""
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.variable(node)
        if isinstance(node, ast.BinOp):
            apply = _BINARY_OPERATORS[type(node.op)][1]
            return _compute(apply, [results.pop(id(node.left)), results.pop(id(node.right))])
        if isinstance(node, ast.UnaryOp):
            operand = results.pop(id(node.operand))
            return operand if isinstance(node.op, ast.UAdd) else _compute(lambda a: -a, [operand])
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        return self.call(node, node.func.id, results)

    def number(self, node: ast.Constant) -> float:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "a string" if isinstance(value, str) else repr(value)
            raise self.error(node, f"{kind} is not a number; expressions take numbers and variables")
        try:
            return float(value)
        except OverflowError:
            raise self.error(node, "number too large for a float") from None

    def variable(self, node: ast.Name) -> Value:
        name = node.id
        leaf = self.variables.get(name)
        if leaf is not None:
            return leaf
        if name not in self.values:
            if name in FUNCTION_NAMES:
                raise self.error(node, f"{name!r} is a function: call it, like {name}(x)")
            raise self.error(node, f"no value for {name!r} (give one with --set {name}=NUMBER)")
        leaf = Value(self.values[name], label=name)
        self.variables[name] = leaf
        return leaf

    def call(self, node: ast.Call, name: str, results: dict[int, Operand]) -> Operand:
        if name == "scope":
            group = node.args[0].value  # type: ignore[attr-defined]
            with scope(group):
                return self.evaluate(node.args[1])
        if name == "dot":
            ws_node, xs_node, bias_node = self.dot_arguments(node)
            ws, xs = ([results.pop(id(e)) for e in item.elts] for item in (ws_node, xs_node))
            bias = results.pop(id(bias_node)) if bias_node is not None else None
            if len(ws) != len(xs):
                raise self.error(node, f"dot() needs two lists of the same length, got {len(ws)} and {len(xs)}")
            return _compute_all(_dot_of(len(ws)), [*ws, *xs, *([bias] if bias is not None else [])])
        arguments = self.operands(node)
        operands = [results.pop(id(argument)) for argument in arguments]
        if name in _UNARY_FUNCTIONS:
            return _compute(_UNARY_FUNCTIONS[name], operands)
        if name in _PARAMETER_FUNCTIONS:
            parameter_name, method = _PARAMETER_FUNCTIONS[name]
            if len(operands) == 2:
                parameter = operands[1]
                if isinstance(parameter, Value):
                    raise self.error(arguments[1], f"{name}(): {parameter_name} must be a number, not a variable")
                return _compute(lambda x: method(x, **{parameter_name: parameter}), operands[:1])
            return _compute(method, operands)
        if name in _PAIR_FUNCTIONS:
            return _compute_all(_PAIR_FUNCTIONS[name], operands)
        return _compute_all(lambda *items: sum_values(items), operands)


def _dot_of(length: int) -> Callable[..., Value]:
    """``dot`` taking its operands flat: the ws, then the xs, then the bias if any."""

    def apply(*items: Operand) -> Value:
        bias = items[2 * length] if len(items) > 2 * length else None
        return dot(items[:length], items[length : 2 * length], bias)

    return apply


def _compute(apply: Callable[..., Operand], operands: Sequence[Operand]) -> Operand:
    """An op on ``operands``; when all are numbers the engine computes it (no graph) and a number comes back."""
    if any(isinstance(operand, Value) for operand in operands):
        return apply(*operands)
    with no_grad():
        first, *rest = operands
        assert not isinstance(first, Value)
        result = apply(Value(first), *rest)
    return result.data if isinstance(result, Value) else float(result)


def _compute_all(apply: Callable[..., Value], operands: Sequence[Operand]) -> Operand:
    """A multi-input engine function; it accepts numbers itself, so only the number-only result needs unwrapping."""
    if any(isinstance(operand, Value) for operand in operands):
        return apply(*operands)
    with no_grad():
        return apply(*operands).data


def is_number(text: str) -> bool:
    """True when ``text`` is a float literal that ``--set`` accepts.

    >>> is_number("-1.5e3"), is_number("abc")
    (True, False)
    """
    try:
        float(text)
    except ValueError:
        return False
    return True


def parse_assignments(assignments: Sequence[str]) -> dict[str, float]:
    """``["w0=2", "x0=-1"]`` to ``{"w0": 2.0, "x0": -1.0}``; a malformed one is an ``ExpressionError`` naming it.

    >>> parse_assignments(["w0=2", "x0=-1"])
    {'w0': 2.0, 'x0': -1.0}
    """
    values: dict[str, float] = {}
    for assignment in assignments:
        name, equals, number = assignment.partition("=")
        # Python reads identifiers NFKC-normalised (ℌ is H), so the names here are too
        name, number = unicodedata.normalize("NFKC", name.strip()), number.strip()
        if not equals or not name.isidentifier():
            raise ExpressionError(f"--set {assignment!r}: write NAME=NUMBER, like w0=2")
        if not is_number(number):
            raise ExpressionError(f"--set {assignment!r}: {number!r} is not a number")
        if name in values:
            raise ExpressionError(f"--set {assignment!r}: {name} is set twice")
        values[name] = float(number)
    return values
