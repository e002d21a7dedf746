"""The build's dependency step (shared/core/.../dynamic/python_dependencies.py, run by PythonBundler in the
build sandbox): which requirements a project lists, and which the interpreter already provides."""

import importlib.util
import os
import tempfile
import textwrap
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "core", "src", "main",
                      "resources", "io", "miaobu", "dynamic", "python_dependencies.py")
spec = importlib.util.spec_from_file_location("python_dependencies", SCRIPT)
deps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(deps)


class ProjectRequirements(unittest.TestCase):
    def project(self, files):
        root = tempfile.mkdtemp(prefix="miaobu-deps-")
        for name, text in files.items():
            path = os.path.join(root, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(textwrap.dedent(text))
        return root

    def test_requirements_txt_with_comments_options_and_an_included_file(self):
        root = self.project({"requirements.txt": """
            # the web app
            Flask>=2.0  # inline comment
            --extra-index-url https://example.com/simple
            -r requirements/base.txt
        """, "requirements/base.txt": "requests==2.31.0\n-r ../requirements.txt\n"})
        self.assertEqual(("requirements.txt", ["Flask>=2.0", "--extra-index-url https://example.com/simple", "requests==2.31.0"]),
                         deps.project_requirements(root))

    def test_pyproject_dependencies_of_pep_621_and_poetry(self):
        root = self.project({"pyproject.toml": """
            [project]
            name = "svc"
            dependencies = ["fastapi>=0.100", "pydantic[email]"]

            [tool.poetry.dependencies]
            python = "^3.11"
            httpx = "^0.27.1"
            rich = "~13.7"
            orjson = {version = "3.10.0", optional = true}
            anything = "*"
        """})
        self.assertEqual(("pyproject.toml", ["fastapi>=0.100", "pydantic[email]", "httpx>=0.27.1,<0.28", "rich>=13.7,<13.8",
                                             "orjson==3.10.0", "anything"]), deps.project_requirements(root))

    def test_pipfile_packages_but_not_dev_packages(self):
        root = self.project({"Pipfile": """
            [packages]
            django = ">=4.2"
            gunicorn = "*"

            [dev-packages]
            pytest = "*"
        """})
        self.assertEqual(("Pipfile", ["django>=4.2", "gunicorn"]), deps.project_requirements(root))

    def test_requirements_txt_wins_over_pyproject(self):
        root = self.project({"requirements.txt": "flask\n", "pyproject.toml": "[project]\ndependencies = [\"django\"]\n"})
        self.assertEqual("requirements.txt", deps.project_requirements(root)[0])


class ProvidedByTheInterpreter(unittest.TestCase):
    """Against Debian's packages, which ./miaobu test installs for /usr/bin/python3."""

    def provided(self, text):
        req = deps.Requirement(text)
        return deps.provided(req, req.extras)

    def test_an_installed_distribution_in_range_is_provided_with_its_dependencies(self):
        self.assertIsNotNone(self.provided("flask>=2"))
        self.assertIsNotNone(self.provided("Django>=3.2,<4"))

    def test_a_version_out_of_range_is_not(self):
        self.assertIsNone(self.provided("flask>=99"))

    def test_an_extra_whose_packages_are_missing_is_not(self):
        self.assertIsNotNone(self.provided("fastapi"))
        self.assertIsNone(self.provided("fastapi[all]"))

    def test_a_missing_distribution_or_a_url_is_not(self):
        self.assertIsNone(self.provided("miaobu-no-such-package"))
        self.assertIsNone(self.provided("flask @ https://example.com/flask-3.0.0-py3-none-any.whl"))


if __name__ == "__main__":
    unittest.main()
