"""Installs a project's Python dependencies into a function bundle, inside the build's sandbox.

    python3 python_dependencies.py <projectRoot> <targetDir> [--install-all] [--python-version X.Y]

Reads requirements.txt (with -r includes), else pyproject.toml ([project] dependencies, or Poetry's), else
Pipfile ([packages]). A requirement this interpreter already satisfies, with everything it depends on, is
skipped ("flask 2.2.2 provided by the runtime": the deployment runs on this same interpreter) unless
--install-all says it will run elsewhere; the rest go to `pip install --target`, from PIP_INDEX_URL when the
platform sets it. --python-version X.Y installs everything for CPython X.Y on Linux x86_64 instead of this
interpreter (Function Compute's layer): wheels only, with environment markers read for that interpreter.
Exits with pip's code when pip fails.
"""

import os
import re
import subprocess
import sys
import tempfile

try:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # pip vendors it: the build image needs no more than python3-pip
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
    from pip._vendor.packaging.utils import canonicalize_name
try:
    import tomllib
except ImportError:
    from pip._vendor import tomli as tomllib
import importlib.metadata as metadata


def requirements_txt(path, seen=None):
    """Requirement lines and pip option lines of a requirements file, includes followed."""
    seen = seen if seen is not None else set()
    path = os.path.realpath(path)
    if path in seen:
        return []
    seen.add(path)
    lines = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = re.sub(r"(^|\s)#.*$", "", raw).strip()
            if not line:
                continue
            include = re.match(r"^(?:-r|--requirement)\s*=?\s*(\S+)$", line)
            if include:
                lines += requirements_txt(os.path.join(os.path.dirname(path), include.group(1)), seen)
            else:
                lines.append(line)
    return lines


def poetry_spec(name, spec):
    if isinstance(spec, dict):
        spec = spec.get("version", "*")
    spec = str(spec).strip()
    if spec in ("", "*"):
        return name
    caret = re.match(r"^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$", spec)
    if caret:
        parts = [int(p) for p in caret.groups() if p is not None]
        first = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
        upper = parts[:first] + [parts[first] + 1]
        return f"{name}>={spec[1:]},<{'.'.join(map(str, upper))}"
    tilde = re.match(r"^~(\d+)(?:\.(\d+))?(?:\.\d+)?$", spec)
    if tilde:
        major, minor = tilde.groups()
        upper = f"{major}.{int(minor) + 1}" if minor is not None else str(int(major) + 1)
        return f"{name}>={spec[1:]},<{upper}"
    return name + (spec if spec[0] in "<>=!~" else "==" + spec)


def project_requirements(root):
    """(where they came from, requirement and option lines)."""
    path = os.path.join(root, "requirements.txt")
    if os.path.isfile(path):
        return "requirements.txt", requirements_txt(path)
    path = os.path.join(root, "pyproject.toml")
    if os.path.isfile(path):
        with open(path, "rb") as f:
            data = tomllib.load(f)
        deps = list(data.get("project", {}).get("dependencies", []))
        poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
        deps += [poetry_spec(name, spec) for name, spec in poetry.items() if name.lower() != "python"]
        return "pyproject.toml", deps
    path = os.path.join(root, "Pipfile")
    if os.path.isfile(path):
        with open(path, "rb") as f:
            data = tomllib.load(f)
        return "Pipfile", [poetry_spec(name, spec) for name, spec in data.get("packages", {}).items()]
    return None, []


def provided(req, extras=(), seen=None, strict=True):
    """The installed version when this interpreter satisfies the requirement with all it depends on, else None.
    The project's own requirement is checked against its version range; what an installed distribution needs only
    has to be installed: the interpreter's packages were put together by their packager (Debian's fastapi declares
    starlette<0.26 and runs on its patched starlette 0.26.1)."""
    seen = seen if seen is not None else set()
    key = (canonicalize_name(req.name), tuple(sorted(extras)))
    if key in seen:
        return "cycle"
    seen.add(key)
    if req.url:
        return None
    try:
        dist = metadata.distribution(req.name)
    except metadata.PackageNotFoundError:
        return None
    version = dist.version
    if strict and not req.specifier.contains(version, prereleases=True):
        return None
    for text in dist.requires or []:
        try:
            dep = Requirement(text)
        except InvalidRequirement:
            return None
        environments = [{"extra": e} for e in extras] or [{"extra": ""}]
        if dep.marker is not None and not any(dep.marker.evaluate(env) for env in environments):
            continue
        if provided(dep, dep.extras, seen, strict=False) is None:
            return None
    return version


# Function Compute's custom.debian10 has glibc 2.28. pip 23 widens only the legacy manylinux2014 tag to older ones
# (2010, 1), so every manylinux_2_N it can load is named.
PLATFORMS = [f"manylinux_2_{n}_x86_64" for n in range(28, 16, -1)] + ["manylinux2014_x86_64"]


def cross_options(version):
    """pip's options to install for CPython `version` on Linux x86_64: with --platform/--python-version pip must
    not build source distributions (--only-binary=:all:), since what it built would be for this interpreter."""
    options = ["--python-version", version, "--implementation", "cp", "--only-binary=:all:"]
    for platform in PLATFORMS:
        options += ["--platform", platform]
    return options


def marker_environment(version):
    """PEP 508 markers as the target interpreter evaluates them; None: this interpreter's."""
    if version is None:
        return None
    return {"python_version": version, "python_full_version": version + ".0", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "sys_platform": "linux", "platform_system": "Linux",
            "platform_machine": "x86_64", "os_name": "posix"}


def main(root, target, install_all, python_version=None):
    if python_version is None:
        print(f"Python {sys.version.split()[0]} ({sys.executable})")
    else:
        install_all = True
        print(f"Installing for Python {python_version} on Linux x86_64 (wheels only), with pip of Python {sys.version.split()[0]}")
    environment = marker_environment(python_version)
    source, lines = project_requirements(root)
    if source is None:
        return 0
    missing = []
    for line in lines:
        if line.startswith("-"):
            missing.append(line)  # pip's own options (--extra-index-url, -e .): pip reads them
            continue
        try:
            req = Requirement(line)
        except InvalidRequirement:
            missing.append(line)  # a path or URL pip understands
            continue
        if req.marker is not None and not req.marker.evaluate(environment):
            print(f"{req.name}: not for this platform ({req.marker})")
            continue
        version = None if install_all else provided(req, req.extras)
        if version is not None:
            print(f"{req.name} {version} provided by the runtime")
        else:
            missing.append(line)
    wanted = [line for line in missing if not line.startswith("-")]
    if not wanted:
        print(f"Every dependency in {source} is provided by the runtime: nothing to install.")
        return 0
    print(f"Installing {len(wanted)} of {source}'s dependencies with pip: {', '.join(wanted)}", flush=True)
    # Beside the packages' folder, which the build owns (never beside this script: a source checkout in tests).
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, dir=os.path.dirname(os.path.abspath(target))) as f:
        f.write("\n".join(missing) + "\n")
    command = [sys.executable, "-m", "pip", "install", "--target", target, "--disable-pip-version-check",
               "--no-input", "--no-warn-script-location", "--progress-bar", "off", "-r", f.name]
    if python_version is not None:
        command += cross_options(python_version)
    os.chdir(root)  # `-e .` and relative paths are the project's
    try:
        return subprocess.call(command)
    finally:
        os.unlink(f.name)


if __name__ == "__main__":
    options = sys.argv[3:]
    version = options[options.index("--python-version") + 1] if "--python-version" in options else None
    sys.exit(main(os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), "--install-all" in options, version))
