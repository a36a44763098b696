"""Turning in-memory objects (text, dicts, figures, images, tables) into artifact files.

Each ``write_*`` function writes one local file; the client uploads it. Heavy libraries
(numpy, PIL, pandas, matplotlib, plotly) are imported only inside the function that needs them.
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import Any

from weir.exceptions import InvalidParameterValue
from weir.store.artifacts.paths import validate_artifact_path

COMPRESSED_IMAGE_SIZE = 256
_IMAGE_KEY_RE = re.compile(r"^[a-zA-Z0-9_\-./ ]+$")
_TABLE_FORBIDDEN = ('"', "'", ",", ":", "[", "]", "{", "}")


def split_artifact_file(artifact_file: str) -> tuple[str | None, str]:
    """``"a/b/c.txt"`` -> (``"a/b"``, ``"c.txt"``); the directory is None at the root."""
    normalized = validate_artifact_path(artifact_file)
    if not normalized:
        raise InvalidParameterValue(f"Invalid artifact file {artifact_file!r}: it must name a file")
    directory, name = posixpath.split(normalized)
    return directory or None, name


def write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_dict(path: str, dictionary: Any, artifact_file: str) -> None:
    """YAML for ``.yaml``/``.yml`` files, indented JSON otherwise (as MLflow)."""
    with open(path, "w", encoding="utf-8") as handle:
        if artifact_file.endswith((".yaml", ".yml")):
            import yaml

            yaml.safe_dump(dictionary, handle, indent=2, default_flow_style=False, sort_keys=False)
        else:
            json.dump(dictionary, handle, indent=2)


def save_figure(path: str, figure: Any, save_kwargs: dict | None = None) -> None:
    """A matplotlib Figure (any format matplotlib writes) or a plotly Figure (html or an image)."""
    module = type(figure).__module__
    kwargs = dict(save_kwargs or {})
    if module.startswith("matplotlib"):
        figure.savefig(path, **kwargs)
    elif module.startswith("plotly"):
        if path.endswith(".html"):
            figure.write_html(path, **kwargs)
        else:
            figure.write_image(path, **kwargs)
    else:
        raise TypeError(
            f"Unsupported figure object type {type(figure).__module__}.{type(figure).__name__}: "
            "expected a matplotlib or plotly figure"
        )


def to_pil_image(image: Any) -> Any:
    """A numpy array (2D, or 3D with 1/3/4 channels; ints 0-255 or floats 0-1) or a PIL image."""
    if hasattr(image, "to_pil"):  # weir/mlflow Image wrappers
        image = image.to_pil()
    module = type(image).__module__
    if module == "numpy" or module.startswith("numpy."):
        return _array_to_pil(image)
    try:
        import PIL.Image
    except ImportError as exc:
        raise ImportError("Pillow is needed to log images: pip install pillow") from exc
    if isinstance(image, PIL.Image.Image):
        return image
    raise TypeError(
        f"Unsupported image object type {type(image).__name__}: expected a numpy array or a PIL image"
    )


def _array_to_pil(array: Any) -> Any:
    import numpy as np

    try:
        from PIL import Image
    except ImportError as exc:
        raise ImportError("Pillow is needed to log numpy arrays as images: pip install pillow") from exc
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Invalid image array dtype {array.dtype}: expected bool, integer or float values")
    if array.ndim not in (2, 3):
        raise ValueError(f"An image array must be 2D or 3D, got shape {array.shape}")
    if array.ndim == 3 and array.shape[2] not in (1, 3, 4):
        raise ValueError(f"Invalid number of channels {array.shape[2]}: expected 1, 3 or 4")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.dtype.kind in "iu":
        if array.size and (array.min() < 0 or array.max() > 255):
            raise ValueError(
                f"Integer pixel values must be within [0, 255]; found {array.min()} to {array.max()}"
            )
    else:
        array = array.astype(np.float64)
        if array.size and (array.min() < 0 or array.max() > 1):
            low, high = array.min(), array.max()
            array = (array - low) / (high - low) if high > low else np.zeros_like(array)
        array = array * 255
    return Image.fromarray(array.astype(np.uint8))


def compress_image(image: Any, max_size: int = COMPRESSED_IMAGE_SIZE) -> Any:
    width, height = image.size
    if width > height:
        size = (max_size, max(1, int(height * max_size / width)))
    else:
        size = (max(1, int(width * max_size / height)), max_size)
    return image.resize(size)


def image_step_files(key: str, step: int, timestamp: int, unique: str) -> tuple[str, str]:
    """Artifact paths of an image logged with ``key``/``step`` (MLflow's ``images/`` layout)."""
    if not _IMAGE_KEY_RE.match(key):
        raise InvalidParameterValue(
            f"Invalid image key {key!r}: only alphanumerics, underscores, dashes, periods, spaces and slashes"
        )
    stem = f"images/{key.replace('/', '~')}+step+{step}+timestamp+{timestamp}+{unique}"
    return f"{stem}.png", f"{stem}+compressed.webp"


def check_table_file(artifact_file: str) -> None:
    for char in _TABLE_FORBIDDEN:
        if char in artifact_file:
            raise InvalidParameterValue(
                f"The table artifact file {artifact_file!r} contains the forbidden character {char!r}"
            )
    if not artifact_file.endswith((".json", ".parquet")):
        raise InvalidParameterValue(
            f"Invalid table artifact file {artifact_file!r}: its name must end with .json or .parquet"
        )


def table_to_dataframe(data: Any) -> Any:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, dict):
        try:
            return pd.DataFrame(data)
        except ValueError:  # all scalar values: one row
            return pd.DataFrame([data])
    raise InvalidParameterValue(f"A table must be a pandas DataFrame or a dict, got {type(data).__name__}")


def write_table(path: str, frame: Any) -> None:
    """MLflow's layout: JSON in pandas ``split`` orient without the index, or parquet."""
    if path.endswith(".json"):
        frame.to_json(path, orient="split", index=False, date_format="iso")
    else:
        frame.to_parquet(path, index=False)


def read_table(path: str) -> Any:
    import pandas as pd

    if path.endswith(".json"):
        return pd.read_json(path, orient="split")
    return pd.read_parquet(path)
