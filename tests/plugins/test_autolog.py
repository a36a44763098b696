"""The shared autolog machinery, driven through a fake plugin and a fake framework."""

from __future__ import annotations

import warnings

import pytest
import weir
from weir.exceptions import WeirException
from weir.plugins import hookimpl
from weir.plugins.autolog import Autologger, configure_autolog, get_autolog_config, get_autologgers
from weir.plugins.calls import autologging_disabled
from weir.plugins.patching import WeirPatch
from weir.plugins.safety import AutologgingWarning

from .conftest import make_distribution


def log_fit(call):
    weir.log_param("alpha", call.instance.alpha)
    result = yield
    weir.log_metric("fitted_on", float(len(str(result.fitted_))))


class FakeAutologger(Autologger):
    name = "weirfakefw"
    module = "weirfakefw"
    options = {"log_every_n": 1}
    wrapper = staticmethod(log_fit)

    def _patch(self, module, config, patches):
        patches.wrap(module.FakeModel, "fit", self.wrapper)
        patches.wrap(module.FakeSubModel, "fit", self.wrapper)
        patches.wrap(module.FakePipeline, "fit", self.wrapper)


class FakePlugin:
    def __init__(self, autologger=None):
        self.autologger = autologger or FakeAutologger()

    @hookimpl
    def register_autologgers(self, register):
        register(self.autologger)


@pytest.fixture
def plugin(weir_register_plugin, fake_framework):
    plugin = FakePlugin()
    weir_register_plugin(plugin, "undo-fake")
    return plugin


def all_runs(client):
    experiment_ids = [e.experiment_id for e in client.search_experiments()]
    return list(client.search_runs(experiment_ids)) if experiment_ids else []


def last_run():
    run = weir.last_active_run()
    assert run is not None
    return run


def test_autolog_creates_a_managed_run_tagged_with_the_integration(
    plugin, fake_framework, weir_store, run_data
):
    weir.autolog(extra_tags={"team": "ml"})
    model = fake_framework.FakeModel(alpha=0.5).fit("abc")

    data = run_data(last_run().info.run_id)
    assert model.fitted_ == "abc"
    assert data.status == "FINISHED"
    assert data.params == {"alpha": "0.5"}
    assert data.metrics == {"fitted_on": 3.0}
    assert data.tags["mlflow.autologging"] == "weirfakefw"
    assert data.tags["team"] == "ml"
    assert weir.active_run() is None


def test_user_run_receives_the_logs_without_autologging_tag(plugin, fake_framework, weir_store, run_data):
    weir.autolog()
    with weir.start_run() as run:
        fake_framework.FakeModel().fit("x")
        assert weir.active_run().info.run_id == run.info.run_id
    data = run_data(run.info.run_id)
    assert data.params == {"alpha": "1.0"}
    assert "mlflow.autologging" not in data.tags


def test_exclusive_does_not_log_into_user_runs(plugin, fake_framework, weir_store, run_data):
    weir.autolog(exclusive=True)
    with weir.start_run() as run:
        fake_framework.FakeModel().fit("x")
    assert run_data(run.info.run_id).params == {}
    fake_framework.FakeModel().fit("x")  # no user run: autologging creates its own
    assert run_data(last_run().info.run_id).tags["mlflow.autologging"] == "weirfakefw"


def test_user_exception_passes_through_unchanged_and_run_ends_failed(
    plugin, fake_framework, weir_store, run_data
):
    weir.autolog()
    with pytest.raises(ValueError) as raised:
        fake_framework.FakeModel().fit("boom")
    assert str(raised.value) == "the user's own error"
    assert type(raised.value) is ValueError
    assert run_data(last_run().info.run_id).status == "FAILED"
    assert weir.active_run() is None


def test_user_exception_is_thrown_into_the_wrapper_for_cleanup(
    weir_register_plugin, fake_framework, weir_store
):
    seen = []

    def wrapper(call):
        try:
            yield
        except ValueError as exc:
            seen.append(str(exc))
            raise

    class Cleanup(FakeAutologger):
        pass

    Cleanup.wrapper = staticmethod(wrapper)
    weir_register_plugin(FakePlugin(Cleanup()), "undo-cleanup")
    weir.autolog()
    with pytest.raises(ValueError):
        fake_framework.FakeModel().fit("boom")
    assert seen == ["the user's own error"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_weir_logging_failure_is_a_warning_and_fit_returns_its_value(
    where, weir_register_plugin, fake_framework, weir_store, run_data
):
    def broken_before(call):
        call.kwargs["unexpected"] = True  # must not reach the user's fit after the failure
        raise RuntimeError("plugin bug")
        yield

    def broken_after(call):
        yield
        raise RuntimeError("plugin bug")

    class Broken(FakeAutologger):
        pass

    Broken.wrapper = staticmethod(broken_before if where == "before" else broken_after)
    weir_register_plugin(FakePlugin(Broken()), "undo-broken")
    weir.autolog()
    model = fake_framework.FakeModel()
    with pytest.warns(AutologgingWarning, match=r"weirfakefw.*plugin bug"):
        returned = model.fit("ok")
    assert returned is model and model.fitted_ == "ok"
    assert run_data(last_run().info.run_id).status == "FINISHED"


def test_store_failure_is_a_warning_and_fit_still_trains(plugin, fake_framework, weir_store, monkeypatch):
    weir.autolog()

    def unreachable(*args, **kwargs):
        raise ConnectionError("store unreachable")

    monkeypatch.setattr(weir, "start_run", unreachable)
    monkeypatch.setattr(weir, "log_param", unreachable)
    model = fake_framework.FakeModel()
    with pytest.warns(AutologgingWarning, match="store unreachable"):
        assert model.fit("y") is model
    assert model.fitted_ == "y"


def test_strict_mode_raises_weir_errors(
    weir_register_plugin, fake_framework, weir_store, weir_strict_autolog
):
    def broken(call):
        yield
        raise RuntimeError("plugin bug")

    class Broken(FakeAutologger):
        pass

    Broken.wrapper = staticmethod(broken)
    weir_register_plugin(FakePlugin(Broken()), "undo-broken")
    weir.autolog()
    with pytest.raises(RuntimeError, match="plugin bug"):
        fake_framework.FakeModel().fit("x")


def test_silent_hides_weir_warnings(weir_register_plugin, fake_framework, weir_store):
    def broken(call):
        yield
        raise RuntimeError("plugin bug")

    class Broken(FakeAutologger):
        pass

    Broken.wrapper = staticmethod(broken)
    weir_register_plugin(FakePlugin(Broken()), "undo-broken")
    weir.autolog(silent=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fake_framework.FakeModel().fit("x")


def test_nested_patched_calls_log_once_at_the_outermost_call(plugin, fake_framework, weir_store, weir_client):
    weir.autolog()
    steps = [fake_framework.FakeModel(alpha=1), fake_framework.FakeSubModel(alpha=2)]
    pipeline = fake_framework.FakePipeline(steps)
    pipeline.alpha, pipeline.fitted_ = "pipe", "x"
    pipeline.fit("x")
    runs = all_runs(weir_client)
    assert len(runs) == 1  # one run; inner fits did not open runs of their own
    assert weir.active_run() is None


def test_subclass_calling_inherited_patched_method_logs_once(
    plugin, fake_framework, weir_store, weir_client, run_data
):
    weir.autolog()
    fake_framework.FakeSubModel(alpha=3).fit("x")  # Sub proxy -> Base proxy, same instance
    runs = all_runs(weir_client)
    assert len(runs) == 1
    assert run_data(runs[0].info.run_id).params == {"alpha": "3"}


def test_allow_children_lets_nested_calls_log(weir_register_plugin, fake_framework, weir_store, run_data):
    def log_train(call):
        yield
        weir.log_metric("inner", 1.0)

    class Children(Autologger):
        name = "weirfakefw"
        module = "weirfakefw"

        def _patch(self, module, config, patches):
            patches.wrap(module.FakePipeline, "fit", log_fit, allow_children=True)
            patches.wrap(module.FakeModel, "fit", log_train)

    weir_register_plugin(FakePlugin(Children()), "undo-children")
    weir.autolog()
    pipeline = fake_framework.FakePipeline([fake_framework.FakeModel()])
    pipeline.alpha = 9
    pipeline.fitted_ = "xy"
    pipeline.fit("x")
    data = run_data(last_run().info.run_id)
    assert data.metrics["inner"] == 1.0
    assert data.params == {"alpha": "9"}


def test_child_runs_for_search_candidates(
    weir_register_plugin, fake_framework, weir_store, weir_client, run_data
):
    def log_search(call):
        yield
        for i in range(2):
            with call.child_run(run_name=f"candidate-{i}") as child_id:
                weir.log_param("i", i)
                assert child_id != call.run_id

    class Search(FakeAutologger):
        pass

    Search.wrapper = staticmethod(log_search)
    weir_register_plugin(FakePlugin(Search()), "undo-search")
    weir.autolog()
    fake_framework.FakeModel().fit("x")
    parent = last_run().info.run_id
    runs = weir_client.search_runs([last_run().info.experiment_id])
    children = [run for run in runs if run.info.run_id != parent]
    assert len(children) == 2
    for child in children:
        data = run_data(child.info.run_id)
        assert data.tags["mlflow.parentRunId"] == parent
        assert data.tags["mlflow.autologging"] == "weirfakefw"
        assert data.status == "FINISHED"


def test_autologging_disabled_block_does_not_log(plugin, fake_framework, weir_client):
    weir.autolog()
    with autologging_disabled():
        fake_framework.FakeModel().fit("x")
    assert all_runs(weir_client) == []


def test_disable_restores_originals_including_inherited_methods(plugin, fake_framework, weir_client):
    original = fake_framework.FakeModel.__dict__["fit"]
    assert "fit" not in fake_framework.FakeSubModel.__dict__
    weir.autolog()
    assert isinstance(fake_framework.FakeModel.__dict__["fit"], WeirPatch)
    assert isinstance(fake_framework.FakeSubModel.__dict__["fit"], WeirPatch)

    weir.autolog(disable=True)
    assert fake_framework.FakeModel.__dict__["fit"] is original
    assert "fit" not in fake_framework.FakeSubModel.__dict__
    assert fake_framework.FakeSubModel.fit is fake_framework.FakeModel.fit
    fake_framework.FakeModel().fit("x")
    assert all_runs(weir_client) == []


def test_instrument_and_uninstrument_are_idempotent(plugin, fake_framework):
    autologger = plugin.autologger
    configure_autolog("weirfakefw")
    patches = autologger.patches
    autologger.instrument()
    assert autologger.patches is patches and len(patches) == 3
    autologger.uninstrument()
    autologger.uninstrument()
    assert not autologger.is_instrumented


def test_integration_autolog_takes_precedence_over_global_autolog(plugin, fake_framework):
    configure_autolog("weirfakefw", log_models=False, log_every_n=5)
    weir.autolog(log_models=True)
    config = get_autolog_config("weirfakefw")
    assert config.log_models is False
    assert config.log_every_n == 5 and config.get("log_every_n") == 5
    assert config.globally_configured is False
    weir.autolog(disable=True)
    assert get_autolog_config("weirfakefw").disable is True


def test_unknown_flags_and_bad_extra_tags_are_rejected(plugin, fake_framework):
    with pytest.raises(TypeError, match="no_such_flag"):
        configure_autolog("weirfakefw", no_such_flag=True)
    with pytest.raises(WeirException, match="extra_tags must be a dict"):
        weir.autolog(extra_tags=["not", "a", "dict"])


def test_extra_tags_cannot_override_the_autologging_tag(plugin, fake_framework, weir_store, run_data):
    with pytest.warns(AutologgingWarning, match="mlflow.autologging"):
        weir.autolog(extra_tags={"mlflow.autologging": "forged"})
    fake_framework.FakeModel().fit("x")
    assert run_data(last_run().info.run_id).tags["mlflow.autologging"] == "weirfakefw"


def test_unknown_integration_name_is_a_clear_error():
    with pytest.raises(WeirException, match="no autolog integration named 'nope'"):
        configure_autolog("nope")


# --- version gating ------------------------------------------------------------------------------


class GatedAutologger(FakeAutologger):
    supported = ("weirfakefw-dist >= 1.0, < 2",)


def test_out_of_range_version_warns_once_and_skips(site_dir, weir_register_plugin, fake_framework):
    make_distribution(site_dir, "weirfakefw-dist", "0.5")
    autologger = GatedAutologger()
    weir_register_plugin(FakePlugin(autologger), "undo-gated")
    with pytest.warns(AutologgingWarning) as caught:
        weir.autolog()
        weir.autolog()
    messages = [str(w.message) for w in caught if issubclass(w.category, AutologgingWarning)]
    assert len(messages) == 1
    assert "weirfakefw-dist >= 1.0, < 2" in messages[0] and "0.5" in messages[0]
    assert not autologger.is_instrumented
    assert "unsupported version" in autologger.status
    assert not isinstance(fake_framework.FakeModel.__dict__["fit"], WeirPatch)


def test_in_range_version_is_patched(site_dir, weir_register_plugin, fake_framework):
    make_distribution(site_dir, "weirfakefw-dist", "1.4.2")
    autologger = GatedAutologger()
    weir_register_plugin(FakePlugin(autologger), "undo-gated")
    weir.autolog()
    assert autologger.is_instrumented and autologger.status == "enabled"


def test_framework_not_installed_is_skipped_quietly(weir_register_plugin, fake_framework):
    autologger = GatedAutologger()
    weir_register_plugin(FakePlugin(autologger), "undo-gated")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weir.autolog()
    assert autologger.status == "framework not installed"


def test_untested_version_warns_and_disable_for_unsupported_versions_skips(
    site_dir, weir_register_plugin, fake_framework
):
    make_distribution(site_dir, "weirfakefw-dist", "1.9")

    class Tested(GatedAutologger):
        tested = ("weirfakefw-dist >= 1.0, < 1.5",)

    autologger = Tested()
    weir_register_plugin(FakePlugin(autologger), "undo-tested")
    with pytest.warns(AutologgingWarning, match="tested with"):
        weir.autolog()
    assert autologger.is_instrumented
    weir.autolog(disable_for_unsupported_versions=True)
    assert not autologger.is_instrumented


def test_patch_failure_reverts_partial_patches_and_warns(weir_register_plugin, fake_framework):
    original = fake_framework.FakeModel.__dict__["fit"]

    class Half(FakeAutologger):
        def _patch(self, module, config, patches):
            patches.wrap(module.FakeModel, "fit", log_fit)
            raise RuntimeError("cannot find the second method")

    autologger = Half()
    weir_register_plugin(FakePlugin(autologger), "undo-half")
    with pytest.warns(AutologgingWarning, match="cannot find the second method"):
        weir.autolog()
    assert fake_framework.FakeModel.__dict__["fit"] is original
    assert autologger.status.startswith("failed")


def test_registry_keeps_one_integration_per_name(weir_register_plugin, fake_framework):
    weir_register_plugin(FakePlugin(), "undo-first")
    with pytest.warns(AutologgingWarning, match="already registered"):
        weir_register_plugin(FakePlugin(), "undo-second")
        autologgers = get_autologgers()
    assert autologgers["weirfakefw"].plugin == "undo-first"
