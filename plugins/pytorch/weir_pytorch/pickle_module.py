"""The ``pickle_module`` weir passes to ``torch.save``: cloudpickle's pickler, the standard unpickler.

cloudpickle serializes classes defined in ``__main__`` (a training script's ``class Net``) by value,
so the model loads where that script is not importable. Its output is plain pickle data, so
``pickle.Unpickler`` reads it. This module is byte-for-byte interchangeable with MLflow's
``mlflow.pytorch.pickle_module``; weir records MLflow's name in ``pickle_module_info.txt`` so MLflow
loads weir's models without weir installed, and resolves that name back to this module.
"""

from __future__ import annotations

from pickle import Unpickler, load, loads

from cloudpickle import CloudPickler as Pickler
from cloudpickle import dump, dumps

__all__ = ["Pickler", "Unpickler", "dump", "dumps", "load", "loads"]
