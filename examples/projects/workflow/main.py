"""The workflow driver: runs prepare, train and evaluate as child project runs, chained by run id."""

import argparse
import os

import weir
import weir.projects

HERE = os.path.dirname(os.path.abspath(__file__))

parser = argparse.ArgumentParser()
parser.add_argument("--C", type=float, default=1.0)
parser.add_argument("--test-size", type=float, default=0.25)
args = parser.parse_args()


def step(entry_point: str, **parameters) -> str:
    """Run one step (synchronously: a failed step raises) and return its run id."""
    submitted = weir.projects.run(HERE, entry_point=entry_point, parameters=parameters, env_manager="local")
    return submitted.run_id


with weir.start_run() as parent:  # the steps become child runs of this one (mlflow.parentRunId)
    data_run = step("prepare", test_size=args.test_size)
    model_run = step("train", data_run_id=data_run, C=args.C)
    eval_run = step("evaluate", data_run_id=data_run, model_run_id=model_run)
    accuracy = weir.WeirClient().get_run(eval_run).data.metrics["test_accuracy"]
    weir.log_metric("test_accuracy", accuracy)
    weir.set_tags({"workflow.prepare": data_run, "workflow.train": model_run, "workflow.evaluate": eval_run})
    print(f"test accuracy: {accuracy:.3f}")
