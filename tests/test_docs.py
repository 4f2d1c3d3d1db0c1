"""Documentation that fails a test when it falls behind the code."""

import re
from pathlib import Path

import samverkan

ROOT = Path(samverkan.__file__).resolve().parent.parent


def test_it_documents_every_environment_variable_in_env_example():
    settings_source = (ROOT / "samverkan" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "no environment variables found in settings.py"
    assert read - documented == set()


def test_it_documents_every_api_endpoint():
    from samverkan.api import api

    documented = (ROOT / "docs" / "api.md").read_text()
    paths = api.get_openapi_schema()["paths"]
    assert paths
    for path, operations in paths.items():
        for method in operations:
            assert f"`{method.upper()} {path}`" in documented, f"{method.upper()} {path}"


def test_it_names_the_two_set_up_commands_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    assert "pip install -e . && samverkan demo" in readme
    assert 'pip install -e ".[test]" && pytest' in readme
