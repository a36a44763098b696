"""weir plugin: the ``polynomial`` flavor and autologging for tinypoly (``weir.polynomial``).

    import weir
    weir.polynomial.autolog()
    model = PolynomialRegressor(degree=2).fit(x, y)     # logged: degree, training_mse, model
    weir.polynomial.save_model(model, "model_dir")
    weir.pyfunc.load_model("model_dir").predict([4.0])

Importing this module is cheap and imports no framework: tinypoly is imported inside the flavor
functions and, for autologging, once the user imports it.
"""

from __future__ import annotations

from typing import Any

from weir.plugins import hookimpl

from weir_example_flavor._flavor import FLAVOR_NAME, _load_pyfunc, load_model, log_model, save_model

__all__ = ["FLAVOR_NAME", "_load_pyfunc", "autolog", "load_model", "log_model", "save_model"]


def autolog(
    log_input_examples: bool = False,
    log_model_signatures: bool = True,
    log_models: bool = True,
    log_datasets: bool = True,
    disable: bool = False,
    exclusive: bool = False,
    disable_for_unsupported_versions: bool = False,
    silent: bool = False,
    extra_tags: dict[str, str] | None = None,
) -> None:
    """Enable (or, with ``disable=True``, disable) autologging of ``PolynomialRegressor.fit``."""
    flags = dict(locals())  # first statement: exactly the arguments above
    from weir.plugins.autolog import configure_autolog

    configure_autolog("polynomial", **flags)


@hookimpl
def register_flavors(register: Any) -> None:
    from weir.plugins.flavors import Flavor

    register(Flavor(name=FLAVOR_NAME, module="weir_example_flavor", aliases=("mlflow.polynomial",)))


@hookimpl
def register_autologgers(register: Any) -> None:
    from weir_example_flavor._autolog import PolynomialAutologger

    register(PolynomialAutologger())


@hookimpl
def register_commands(cli: Any) -> None:
    import click

    @cli.command(name="polynomial-info")
    @click.argument("model_uri")
    def polynomial_info(model_uri: str) -> None:
        """Print the degree and coefficients of a saved polynomial model."""
        model = load_model(model_uri)
        click.echo(f"degree {model.degree}: {model.coefficients}")
