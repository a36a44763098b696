"""The small PEP 440 subset used to gate integrations on installed framework versions."""

from __future__ import annotations

import pytest
from weir.plugins.versions import check_requirements, parse_requirement, version_key

from .conftest import make_distribution


@pytest.mark.parametrize(
    ("requirement", "version", "inside"),
    [
        ("scikit-learn >= 1.3, < 2", "1.3", True),
        ("scikit-learn >= 1.3, < 2", "1.3.0", True),
        ("scikit-learn >= 1.3, < 2", "1.9.1", True),
        ("scikit-learn >= 1.3, < 2", "2.0", False),
        ("scikit-learn >= 1.3, < 2", "2.0rc1", False),
        ("scikit-learn >= 1.3, < 2", "1.2.2", False),
        ("scikit-learn >= 1.3, < 2", "1.3rc1", False),
        ("torch == 2.13.*", "2.13.0+cpu", True),
        ("torch == 2.13.*", "2.14.0", False),
        ("torch != 2.1.0", "2.1", False),
        ("xgboost ~= 2.1", "2.9", True),
        ("xgboost ~= 2.1", "3.0", False),
        ("lightgbm > 4.0", "4.0.post1", True),
        ("lightgbm <= 4.6", "4.6.0", True),
        ("keras", "3.7.0", True),
    ],
)
def test_requirement_contains(requirement, version, inside):
    assert parse_requirement(requirement).contains(version) is inside


def test_version_ordering_follows_pep_440():
    ordered = ["1.0.dev1", "1.0a1", "1.0b2", "1.0rc1", "1.0", "1.0.post1", "1.1"]
    assert sorted(ordered, key=version_key) == ordered


@pytest.mark.parametrize("text", ["scikit-learn >> 1", "x >= not.a.version", "x >= 1.*"])
def test_bad_requirements_are_rejected_with_the_problem(text):
    with pytest.raises(ValueError, match="invalid|only allowed"):
        parse_requirement(text)


def test_check_requirements_reads_installed_metadata(site_dir):
    make_distribution(site_dir, "weirfake-cpu", "2.5.0")
    check = check_requirements(("weirfake >= 2, < 3", "weirfake-cpu >= 2, < 3"))
    assert check.ok and check.installed == {"weirfake-cpu": "2.5.0"}
    check = check_requirements(("weirfake-cpu >= 3",))
    assert not check.ok and check.conflicts == ("needs weirfake-cpu >= 3; found weirfake-cpu 2.5.0",)
    assert not check_requirements(("weirfake-missing >= 1",)).is_installed
