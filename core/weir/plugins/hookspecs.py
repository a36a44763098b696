"""Every hook a weir plugin can implement. This module holds only markers and specs.

A plugin is a module (or object) with functions decorated by ``@weir.plugins.hookimpl`` whose
names match the specs below; it is found through the ``weir`` entry-point group::

    # pyproject.toml of a plugin
    [project.entry-points.weir]
    myflavor = "weir_myflavor"

Specs only ever gain arguments; an implementation may accept any subset of them.

Collect hooks (``register_flavors``, ``register_autologgers``, ``run_context_tags``,
``register_commands``, ``autolog_configured``) are called one implementation at a time: one that
raises is skipped with a warning naming its plugin, and the others still run.
"""

from __future__ import annotations

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("weir")
hookimpl = HookimplMarker("weir")


@hookspec(firstresult=True)
def tracking_store(store_uri):
    """Return a tracking store for ``store_uri``, or None to let another plugin handle it.

    :param store_uri: the tracking URI as the user gave it (``sqlite:///x.db``, ``postgresql://..``).
    :returns: an ``weir.store.tracking.base.AbstractTrackingStore`` or None.

    Called the first time a client needs a store for a URI; the result is cached per URI.
    The first non-None answer wins, so a plugin should check the scheme and return None for others.
    """


@hookspec(firstresult=True)
def artifact_repository(artifact_uri):
    """Return an artifact repository for ``artifact_uri``, or None to pass.

    :param artifact_uri: the root URI of a run's (or model's) artifacts (``file:///..``, ``s3://..``).
    :returns: an ``weir.store.artifacts.base.ArtifactRepository`` or None.

    Called whenever artifacts are read or written under a root; the first non-None answer wins.
    """


@hookspec
def run_context_tags():
    """Return a dict of tags to set on every new run, or None.

    :returns: ``{tag key: value}``, e.g. ``{"mlflow.source.git.commit": "ab12..."}``.

    Called once per ``start_run`` that creates a run. Answers from all plugins are merged, and
    tags the user passes to ``start_run`` win over them. Keep it fast: it runs on every new run.
    """


@hookspec
def register_flavors(register):
    """Register the model flavors this plugin can save and load.

    :param register: call ``register(flavor)`` once per flavor, with a ``weir.plugins.flavors.Flavor``
        naming its MLmodel key (``"sklearn"``), the module that holds ``save_model``,
        ``load_model`` and ``_load_pyfunc``, and aliases such as ``"mlflow.sklearn"`` so MLmodel
        files written by MLflow load through the plugin.
    :returns: nothing; return values are ignored.

    Called once, the first time weir needs the flavor registry (loading a model through pyfunc,
    ``weir plugins``, ``weir.<flavor>`` resolution). If two plugins register the same flavor name,
    the first wins and the second is reported with a warning.
    """


@hookspec
def register_autologgers(register):
    """Register framework autologging integrations.

    :param register: call ``register(autologger)`` once per integration, with an instance of a
        ``weir.plugins.autolog.Autologger`` subclass (or the subclass itself). Its ``name`` is the
        integration name (``"sklearn"``), its ``module`` the import that triggers patching.
    :returns: nothing; return values are ignored.

    Called when weir first needs the list of integrations: ``weir.autolog()``, a plugin's own
    ``autolog()``, or ``weir plugins``. Registering must be cheap and must not import the framework:
    patching happens later, in ``Autologger._patch``, once the framework is imported.
    """


@hookspec(historic=True)
def autolog_configured(config):
    """Be told that ``weir.autolog(...)`` changed the global autologging settings.

    :param config: the new ``weir.plugins.autolog.AutologConfig`` (flags such as ``log_models``,
        ``silent``, ``disable``; ``config.disable`` is True after ``weir.autolog(disable=True)``).
    :returns: nothing.

    Called after every ``weir.autolog()`` call, once per implementation. Historic: a plugin
    registered later through ``weir.plugins.manager.register_plugin`` is called with the latest
    configuration when it registers. Use it for integrations that are not an ``Autologger`` (for
    example a callback-based logger that must follow the global flags).
    """


@hookspec
def register_commands(cli):
    """Add subcommands to the ``weir`` command line.

    :param cli: a ``click.Group``; decorate functions with ``@cli.command()`` or call
        ``cli.add_command(command)``.
    :returns: nothing.

    Called when the ``weir`` CLI lists its commands (``weir --help``) or is asked for a command
    that is not built in. Built-in command names win over plugin commands of the same name.
    """
