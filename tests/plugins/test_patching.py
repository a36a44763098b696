"""Patches: exact undo, only our own proxies, generator wrappers."""

from __future__ import annotations

import pytest
import wrapt
from weir.plugins.patching import Patches, WeirPatch, find_weir_patches, is_weir_patch


def passthrough(call):
    yield


def test_revert_puts_back_the_exact_original_objects(fake_framework):
    model = fake_framework.FakeModel
    originals = {name: model.__dict__[name] for name in ("fit", "helper", "build")}
    patches = Patches("weirfakefw")
    for name in originals:
        patches.wrap(model, name, passthrough)
    assert all(isinstance(model.__dict__[name], WeirPatch) for name in originals)
    assert model.helper(2) == 4 and model.build(3).alpha == 3  # descriptors keep working
    patches.revert()
    assert all(model.__dict__[name] is originals[name] for name in originals)
    patches.revert()  # idempotent


def test_patching_a_module_function(fake_framework):
    original = fake_framework.train
    patches = Patches("weirfakefw")
    patches.wrap(fake_framework, "train", passthrough)
    assert is_weir_patch(fake_framework.train) and fake_framework.train(1) == {"trained": 1}
    assert find_weir_patches([fake_framework]) == ["weirfakefw.train"]
    patches.revert()
    assert fake_framework.train is original and find_weir_patches([fake_framework]) == []


def test_inherited_method_patched_on_subclass_is_deleted_on_revert(fake_framework):
    patches = Patches("weirfakefw")
    patches.wrap(fake_framework.FakeSubModel, "fit", passthrough)
    assert is_weir_patch(fake_framework.FakeSubModel().fit)
    patches.revert()
    assert "fit" not in fake_framework.FakeSubModel.__dict__


def test_revert_leaves_a_foreign_wrapper_alone_and_turns_ours_off(fake_framework):
    calls = []

    def counting(call):
        calls.append(call.target)
        yield

    model = fake_framework.FakeModel
    patches = Patches("weirfakefw")
    patches.wrap(model, "fit", counting)
    ours = model.__dict__["fit"]
    foreign = wrapt.FunctionWrapper(ours, lambda wrapped, instance, args, kwargs: wrapped(*args, **kwargs))
    model.fit = foreign
    patches.revert()
    assert model.__dict__["fit"] is foreign
    assert ours._self_weir_active is False


def test_wrapper_must_be_a_generator(fake_framework):
    with pytest.raises(TypeError, match="generator function"):
        Patches("weirfakefw").wrap(fake_framework.FakeModel, "fit", lambda call: None)


def test_missing_attribute_is_a_clear_error(fake_framework):
    with pytest.raises(AttributeError, match="FakeModel has no attribute 'predict'"):
        Patches("weirfakefw").wrap(fake_framework.FakeModel, "predict", passthrough)


def test_the_same_attribute_cannot_be_patched_twice_by_one_integration(fake_framework):
    patches = Patches("weirfakefw")
    patches.wrap(fake_framework.FakeModel, "fit", passthrough)
    with pytest.raises(RuntimeError, match="already patched"):
        Patches("weirfakefw").wrap(fake_framework.FakeModel, "fit", passthrough)
    patches.revert()
