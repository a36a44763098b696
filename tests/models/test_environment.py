import pytest
import yaml
from weir.exceptions import WeirException
from weir.models.environment import default_requirements, write_environment_files
from weir.version import __version__


def _files(path):
    return (
        (path / "requirements.txt").read_text().splitlines(),
        yaml.safe_load((path / "python_env.yaml").read_text()),
        yaml.safe_load((path / "conda.yaml").read_text()),
    )


def test_defaults_pin_installed_versions_and_weir(tmp_path):
    import cloudpickle

    env = write_environment_files(tmp_path, default_requirements(["cloudpickle"]))
    assert env == {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}
    reqs, python_env, conda = _files(tmp_path)
    assert reqs == [f"weir=={__version__}", f"cloudpickle=={cloudpickle.__version__}"]
    assert python_env["dependencies"] == ["-r requirements.txt"]
    assert python_env["python"].count(".") == 2
    assert conda["name"] == "mlflow-env" and conda["dependencies"][-1] == {"pip": reqs}


def test_pip_requirements_replace_the_defaults(tmp_path):
    write_environment_files(tmp_path, ["weir==0"], pip_requirements=["pandas", "-c pins.txt"])
    reqs, _, _ = _files(tmp_path)
    assert reqs == ["pandas", "-c constraints.txt"]
    assert (tmp_path / "constraints.txt").read_text() == "pins.txt"


def test_extra_pip_requirements_are_added_from_a_file(tmp_path):
    extra = tmp_path / "extra.txt"
    extra.write_text("# comment\nscipy\n\n")
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    write_environment_files(model_dir, ["weir==0"], extra_pip_requirements=str(extra))
    assert _files(model_dir)[0] == ["weir==0", "scipy"]


def test_conda_env_is_written_as_given_and_its_pip_list_becomes_requirements(tmp_path):
    conda_env = {
        "channels": ["default"],
        "dependencies": ["pip"],
        "pip": ["mlflow", "cloudpickle==1.6.0"],
        "name": "e",
    }
    write_environment_files(tmp_path, ["weir==0"], conda_env=conda_env)
    reqs, _, conda = _files(tmp_path)
    assert conda == conda_env
    assert reqs == ["mlflow", "cloudpickle==1.6.0"]


def test_nested_conda_pip_list_and_yaml_file(tmp_path):
    file = tmp_path / "env.yaml"
    file.write_text(yaml.safe_dump({"dependencies": ["python=3.11", {"pip": ["numpy"]}]}))
    model_dir = tmp_path / "m"
    model_dir.mkdir()
    write_environment_files(model_dir, [], conda_env=str(file))
    assert _files(model_dir)[0] == ["numpy"]


def test_only_one_of_conda_env_pip_and_extra(tmp_path):
    with pytest.raises(WeirException, match="Only one of `conda_env`, `pip_requirements`"):
        write_environment_files(tmp_path, [], pip_requirements=["a"], conda_env={"dependencies": []})
    with pytest.raises(WeirException, match="pip_requirements, extra_pip_requirements"):
        write_environment_files(tmp_path, [], pip_requirements=["a"], extra_pip_requirements=["b"])


def test_writing_env_files_runs_no_subprocess(tmp_path, monkeypatch):
    import subprocess

    def forbidden(*args, **kwargs):
        raise AssertionError("environment files must be written without a subprocess")

    monkeypatch.setattr(subprocess, "Popen", forbidden)
    write_environment_files(tmp_path, default_requirements(["cloudpickle", "numpy"]))
    assert (tmp_path / "requirements.txt").exists()
