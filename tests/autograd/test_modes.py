"""no_grad, detect_anomaly and scope."""

from __future__ import annotations

import threading

import pytest

from autograd import Value, current_scope, detect_anomaly, is_recording, no_grad, scope
from autograd.modes import enter_scope, leave_scope, place_in_new_scope


def test_no_grad_makes_plain_leaves() -> None:
    x = Value(2.0)
    with no_grad():
        assert not is_recording()
        y = x * 3 + 1
    assert is_recording()
    assert (y.data, y.op, y.inputs, y.local_grads, y.const) == (7.0, "", (), (), None)
    z = x * 3
    assert z.inputs == (x,)


def test_no_grad_as_decorator_and_recursion() -> None:
    @no_grad()
    def depth(v: Value, n: int) -> Value:
        return v if n == 0 else depth(v * 2, n - 1)

    out = depth(Value(1.0), 5)
    assert out.data == 32.0 and out.op == ""
    assert is_recording()


def test_no_grad_does_not_leak_into_other_threads() -> None:
    seen: list[bool] = []
    started, release = threading.Event(), threading.Event()

    def worker() -> None:
        started.wait(5)
        seen.append(is_recording())
        seen.append(bool((Value(1.0) * 2).inputs))
        release.set()

    thread = threading.Thread(target=worker)
    thread.start()
    with no_grad():
        started.set()
        assert release.wait(5)
    thread.join(5)
    assert seen == [True, True]


def test_detect_anomaly_names_the_op_inputs_and_labels() -> None:
    x = Value(0.0, label="x")
    with detect_anomaly(), pytest.raises(FloatingPointError) as info:
        x.log()
    message = str(info.value)
    assert message.startswith("log produced value -inf") and "x=0.0" in message

    a, b = Value(1.0, label="a"), Value(0.0, label="b")
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"/ produced value inf .*a=1\.0, b=0\.0"):
        a / b
    with detect_anomaly(), pytest.raises(FloatingPointError, match="sqrt produced a non-finite local gradient"):
        Value(0.0).sqrt()
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"constant=0\.0"):
        Value(2.0, label="n") / 0


def test_without_detect_anomaly_nan_is_silent_ieee() -> None:
    assert Value(-1.0).log().data != Value(-1.0).log().data  # nan


def test_detect_anomaly_passes_finite_ops() -> None:
    with detect_anomaly():
        y = (Value(2.0) * 3).exp()
    y.backward()
    assert y.inputs


def test_scope_records_nested_groups_on_op_nodes_only() -> None:
    x = Value(1.0)
    assert current_scope() is None
    with scope("neuron") as outer:
        leaf = Value(2.0)
        y = x * leaf
        with scope("activation") as inner:
            z = y.tanh()
        assert current_scope() is outer
    assert current_scope() is None
    assert leaf.scope is None and y.scope is outer and z.scope is inner
    assert inner.parent is outer and inner.path() == (outer, inner)
    assert repr(inner) == "Scope('neuron/activation')"
    assert (x * 2).scope is None


def test_scope_keeps_constants_and_sides() -> None:
    x = Value(2.0)
    with scope("gate"):
        r = 1 / x
        d = x - 3
    assert (r.const, r.const_left, d.const, d.const_left) == (1.0, True, 3.0, False)


def test_scope_needs_a_string_name() -> None:
    with pytest.raises(TypeError, match="scope name must be a str"), scope(3):  # type: ignore[arg-type]
        pass
    with pytest.raises(TypeError, match="scope title must be a str or None"), scope("a", 3):  # type: ignore[arg-type]
        pass


def test_a_scope_has_a_title_for_drawings_defaulting_to_its_name() -> None:
    with scope("layers.1.neurons.3", title="neuron 3") as titled, scope("inner") as plain:
        pass
    assert (titled.name, titled.title, plain.title, plain.parent is titled) == (
        "layers.1.neurons.3", "neuron 3", "inner", True)


def test_no_grad_refuses_generators_and_async_functions() -> None:
    def numbers():
        yield Value(1.0) * 2

    async def later():
        return Value(1.0) * 2

    for func in (numbers, later):
        with pytest.raises(TypeError, match=r"no_grad cannot decorate .*generator or async"):
            no_grad()(func)


def test_the_same_scope_or_no_grad_instance_nests_and_is_shared_by_threads() -> None:

    group, off = scope("g"), no_grad()
    with group as outer, group as inner, off, off:
        y = Value(1.0) * 2
    assert inner.parent is outer and y.op == "" and is_recording() and current_scope() is None
    with group as outer:
        with group as inner:
            z = Value(1.0) * 2
        w = Value(1.0) * 2
    assert (z.scope, w.scope) == (inner, outer) and current_scope() is None
    entered, release, seen = threading.Barrier(2), threading.Event(), []

    def work() -> None:
        with group as mine, off:
            entered.wait()
            release.wait()
            seen.append((Value(1.0) * 2, mine))
        seen.append((Value(1.0) * 2, None))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join()
    assert len(seen) == 4 and all((v.op, v.scope) == (("", None) if s is not None else ("*", None)) for v, s in seen)
    assert is_recording() and current_scope() is None


def test_enter_scope_nests_like_a_with_block_and_leave_scope_closes_it() -> None:
    with scope("layer") as layer:
        token = enter_scope("neuron")
        inner = Value(1.0) * 2.0
        leave_scope(token)
        outer = Value(1.0) * 3.0
    assert inner.scope is not None and inner.scope.name == "neuron" and inner.scope.parent is layer
    assert outer.scope is layer and current_scope() is None
    with no_grad():
        token = enter_scope("neuron")
        assert not is_recording() and (Value(1.0) * 2.0).scope is None
        leave_scope(token)


def test_place_in_new_scope_gives_what_a_with_block_gives() -> None:
    x = Value(1.0, label="x")
    with scope("layer", title="layer 1") as layer:
        with scope("neuron", title="neuron 0"):
            inside = (x * 2.0).exp()
        made = x * 2.0
        placed = made.exp()
        place_in_new_scope((made, placed), "neuron", "neuron 0")
    group = placed.scope
    assert group is not None and made.scope is group and group is not inside.scope
    assert inside.scope is not None
    assert (group.name, group.title, group.parent) == (inside.scope.name, inside.scope.title, inside.scope.parent)
    assert group.parent is layer and x.scope is None


def test_place_in_new_scope_moves_only_recorded_ops_of_the_current_scope() -> None:
    x = Value(1.0)
    with scope("elsewhere"):
        earlier = x * 3.0
    made = x * 2.0
    place_in_new_scope((x, earlier, made), "neuron")
    assert x.scope is None and earlier.scope is not None and earlier.scope.name == "elsewhere"
    assert made.scope is not None and made.scope.name == "neuron" and made.scope.parent is None
    with no_grad():
        leaf = x * 2.0
        place_in_new_scope((leaf,), "neuron")
    assert leaf.scope is None and leaf.op == ""
    with detect_anomaly():
        checked = x * 2.0
        place_in_new_scope((checked,), "neuron")
    assert checked.scope is not None and checked.scope.name == "neuron"
    assert current_scope() is None
