"""The build backend of the offregion package: setuptools', plus a wheel
writer of its own for machines without the `wheel` package.

setuptools (before 70.1) needs `wheel` for its bdist_wheel, and `pip install
--no-build-isolation` does not fetch it. When `wheel` is importable this
module is setuptools.build_meta as it is. Otherwise it builds the package
with setuptools (setup.py's build_py, which copies the shared library in,
and egg_info for the metadata) and zips the wheel itself (PEP 427), with
the standard library only.
"""

import base64
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile

from setuptools import build_meta as _setuptools

HERE = os.path.dirname(os.path.abspath(__file__))

HAVE_WHEEL = importlib.util.find_spec("wheel") is not None

build_sdist = _setuptools.build_sdist
get_requires_for_build_sdist = _setuptools.get_requires_for_build_sdist

if HAVE_WHEEL:
    build_wheel = _setuptools.build_wheel
    get_requires_for_build_wheel = _setuptools.get_requires_for_build_wheel
    prepare_metadata_for_build_wheel = \
        _setuptools.prepare_metadata_for_build_wheel
else:
    def get_requires_for_build_wheel(config_settings=None):
        """Nothing beyond setuptools: the wheel is zipped here."""
        return []

    def build_wheel(wheel_directory, config_settings=None,
                    metadata_directory=None):
        """Builds the wheel into `wheel_directory`; returns its file name."""
        with tempfile.TemporaryDirectory() as work:
            _setup_py("egg_info", "--egg-base", work)
            _setup_py("build_py", "--build-lib", os.path.join(work, "lib"))
            return _zip_wheel(work, wheel_directory)


def _setup_py(*args):
    subprocess.run([sys.executable, "setup.py", "-q"] + list(args),
                   cwd=HERE, check=True, stdout=subprocess.DEVNULL)


def _metadata(pkg_info):
    fields = {}
    with open(pkg_info, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.partition(": ")
            fields.setdefault(key, value.strip())
    return fields["Name"], fields["Version"]


def _tag(lib):
    """py3-none-any, or py3-none-PLATFORM when the package carries the
    native library (which ctypes loads: any Python 3 ABI will do)."""
    for _, _, files in os.walk(lib):
        if any(name.startswith("liboffregion.so") for name in files):
            break
    else:
        return "py3-none-any"
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"py3-none-{platform}"


def _digest(data):
    raw = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _zip_wheel(work, wheel_directory):
    lib = os.path.join(work, "lib")
    name, version = _metadata(os.path.join(work, "offregion.egg-info",
                                           "PKG-INFO"))
    tag = _tag(lib)
    dist_info = f"{name}-{version}.dist-info"
    filename = f"{name}-{version}-{tag}.whl"
    extra = {
        "METADATA": open(os.path.join(work, "offregion.egg-info",
                                      "PKG-INFO"), "rb").read(),
        "WHEEL": (f"Wheel-Version: 1.0\nGenerator: _offregion_build\n"
                  f"Root-Is-Purelib: {str(tag == 'py3-none-any').lower()}\n"
                  f"Tag: {tag}\n").encode(),
        "top_level.txt": b"offregion\n",
    }
    records = []
    target = os.path.join(wheel_directory, filename)
    with zipfile.ZipFile(target + ".part", "w", zipfile.ZIP_DEFLATED) as z:
        for folder, dirs, files in os.walk(lib):
            dirs.sort()
            for file in sorted(files):
                if file.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(folder, file)
                arcname = os.path.relpath(path, lib).replace(os.sep, "/")
                with open(path, "rb") as f:
                    data = f.read()
                info = zipfile.ZipInfo(arcname, (1980, 1, 1, 0, 0, 0))
                info.external_attr = (os.stat(path).st_mode & 0o777) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data)
                records.append(f"{arcname},{_digest(data)},{len(data)}")
        for file, data in extra.items():
            arcname = f"{dist_info}/{file}"
            z.writestr(arcname, data)
            records.append(f"{arcname},{_digest(data)},{len(data)}")
        records.append(f"{dist_info}/RECORD,,")
        z.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    shutil.move(target + ".part", target)
    return filename
