"""Loading MLproject files, checking parameters and building commands."""

from __future__ import annotations

import shlex

import pytest
from weir.projects import ExecutionException, load_project
from weir.projects.spec import EntryPoint, Parameter

from .conftest import write_project


def load(tmp_path, mlproject: str, **files: str):
    return load_project(write_project(tmp_path / "p", {"MLproject": mlproject, **files}))


def test_parameters_have_types_defaults_and_the_short_form(tmp_path):
    project = load(
        tmp_path,
        """
        name: demo
        entry_points:
          main:
            parameters:
              alpha: {type: float, default: 0.5}
              steps: {type: int, default: 10}
              data: path
              name: {default: x}
              out: uri
            command: "python train.py {alpha}"
        """,
    )
    params = project.entry_points["main"].parameters
    assert project.name == "demo"
    assert params["alpha"] == Parameter("alpha", "float", "0.5")
    assert params["steps"] == Parameter("steps", "int", "10")
    assert params["data"] == Parameter("data", "path", None) and params["data"].required
    assert params["name"] == Parameter("name", "string", "x")
    assert params["out"].type == "uri"


def test_the_mlproject_file_name_is_case_insensitive(tmp_path):
    directory = write_project(tmp_path / "p", {"mlproject": "entry_points: {main: {command: 'echo hi'}}"})
    assert load_project(directory).entry_points["main"].command == "echo hi"


def test_malformed_yaml_names_the_file(tmp_path):
    with pytest.raises(ExecutionException, match=r"Malformed MLproject file .*MLproject"):
        load(tmp_path, "entry_points: [unclosed\n")


@pytest.mark.parametrize(
    ("mlproject", "message"),
    [
        ("entry_points: {main: {parameters: {a: {type: complex}}, command: x}}", "unknown type 'complex'"),
        ("entry_points: {main: {parameters: {a: float}}}", "entry point 'main' has no 'command'"),
        ("entry_points: {main: {command: 'run {nope}'}}", r"uses \{nope\}"),
        ("python_env: missing.yaml\nentry_points: {}", "python_env file 'missing.yaml' does not exist"),
        ("docker_env: {volumes: []}\nentry_points: {}", "docker_env must be a mapping with an 'image'"),
        ("- a list", "top level must be a mapping"),
    ],
)
def test_invalid_mlproject_content_is_reported_with_the_file(tmp_path, mlproject, message):
    with pytest.raises(ExecutionException, match=message) as info:
        load(tmp_path, mlproject)
    assert "MLproject" in str(info.value)


def test_two_environment_keys_are_rejected(tmp_path):
    with pytest.raises(ExecutionException, match="only one of"):
        load(
            tmp_path,
            "python_env: e.yaml\nconda_env: c.yaml\n",
            **{"e.yaml": "python: '3.11'", "c.yaml": "name: x"},
        )


def test_environment_files_are_found_by_key_or_by_convention(tmp_path):
    project = load(tmp_path, "python_env: env/py.yaml\n", **{"env/py.yaml": "python: '3.11'"})
    assert project.env_type == "python" and project.env_file.name == "py.yaml"
    plain = load_project(write_project(tmp_path / "q", {"conda.yaml": "name: x", "a.py": ""}))
    assert plain.env_type == "conda" and plain.entry_points == {}
    docker = load(tmp_path / "d", "docker_env: {image: 'python:3.11', environment: [A, [B, 2]]}\n")
    assert docker.env_type == "docker" and docker.docker_env.environment == (("A", None), ("B", "2"))


def test_values_are_shell_quoted_into_the_command(tmp_path):
    entry = EntryPoint(
        "main",
        "python t.py {text} --x={alpha} ${HOME} {{literal}}",
        {"text": Parameter("text"), "alpha": Parameter("alpha", "float", "1")},
    )
    resolved = entry.resolve_parameters({"text": "it's; rm -rf /"}, project_dir=tmp_path)
    command = entry.build_command(resolved.for_command)
    assert command == "python t.py 'it'\"'\"'s; rm -rf /' --x=1 ${HOME} {literal}"
    assert shlex.split(command)[2] == "it's; rm -rf /"


def test_defaults_apply_and_values_keep_the_given_text(tmp_path):
    entry = EntryPoint("main", "x", {"a": Parameter("a", "float", "0.5"), "n": Parameter("n", "int")})
    resolved = entry.resolve_parameters({"n": 3}, project_dir=tmp_path)
    assert resolved.for_command == {"a": "0.5", "n": "3"} == resolved.for_logging


@pytest.mark.parametrize(
    ("type_", "value", "message"),
    [
        ("float", "abc", "must be a float, got 'abc'"),
        ("int", "2.5", "must be an int, got '2.5'"),
        ("uri", "no/scheme", "must be a URI"),
        ("path", "does/not/exist", "no such file or directory 'does/not/exist'"),
    ],
)
def test_values_that_do_not_parse_as_their_type_are_errors_naming_the_parameter(
    tmp_path, type_, value, message
):
    entry = EntryPoint("main", "x", {"p": Parameter("p", type_)})
    with pytest.raises(ExecutionException, match=message) as info:
        entry.resolve_parameters({"p": value}, project_dir=tmp_path, cwd=tmp_path)
    assert "'p'" in str(info.value)


def test_path_values_resolve_against_the_callers_directory_and_defaults_against_the_project(tmp_path):
    (tmp_path / "caller").mkdir()
    (tmp_path / "caller" / "data.csv").write_text("1")
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "default.csv").write_text("2")
    entry = EntryPoint("main", "x", {"a": Parameter("a", "path"), "b": Parameter("b", "path", "default.csv")})
    resolved = entry.resolve_parameters(
        {"a": "data.csv"}, project_dir=tmp_path / "proj", cwd=tmp_path / "caller"
    )
    assert resolved.for_command == {
        "a": str(tmp_path / "caller" / "data.csv"),
        "b": str(tmp_path / "proj" / "default.csv"),
    }
    assert resolved.for_logging == {"a": "data.csv", "b": "default.csv"}


def test_unknown_and_missing_parameters_are_named(tmp_path):
    entry = EntryPoint("main", "x", {"n": Parameter("n", "int")})
    with pytest.raises(ExecutionException, match="Unknown parameter 'bogus'"):
        entry.resolve_parameters({"n": 1, "bogus": 2}, project_dir=tmp_path)
    with pytest.raises(ExecutionException, match="missing parameter 'n'"):
        entry.resolve_parameters({}, project_dir=tmp_path)


def test_a_py_or_sh_file_is_an_entry_point_taking_any_parameters_as_flags(tmp_path):
    project = load_project(write_project(tmp_path / "p", {"train.py": "", "run.sh": ""}))
    entry = project.get_entry_point("train.py")
    command = entry.build_command(
        entry.resolve_parameters({"lr": "0.1", "name": "a b"}, project_dir=tmp_path).for_command
    )
    assert command == "python train.py --lr 0.1 --name 'a b'"
    assert project.get_entry_point("run.sh").command == "bash run.sh"
    with pytest.raises(ExecutionException, match="Unknown entry point 'other.txt'"):
        project.get_entry_point("other.txt")
