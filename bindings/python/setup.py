"""Builds the offregion Python package.

The package is pure Python on ctypes. When the shared library has been
built (../../build/lib/liboffregion.so.0 from here), it is copied into the
package as offregion/liboffregion.so.0, so that an installed package works
on its own; the wheel is then tagged for this platform. Without it the
package finds the library at run time (OFFREGION_LIBRARY, or a build/lib
folder above the package).

    cmake --build build --target offregion_shared
    pip install --no-build-isolation bindings/python
"""

import os
import re

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
LIBRARY = os.path.join(ROOT, "build", "lib", "liboffregion.so.0")


def version():
    """Returns the project version from the top CMakeLists.txt."""
    try:
        with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
            found = re.search(r"project\(\s*offregion\s+VERSION\s+([\d.]+)",
                              f.read())
    except OSError:
        found = None
    return found.group(1) if found else "0.1.0"


class BuildPy(build_py):
    """build_py that also copies the built shared library into the package
    (into the build folder, never into the source tree, where a stale copy
    would shadow later builds)."""

    def run(self):
        super().run()
        if os.path.exists(LIBRARY):
            target = os.path.join(self.build_lib, "offregion",
                                  "liboffregion.so.0")
            self.copy_file(LIBRARY, target)  # the file, not the symlink

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if os.path.exists(LIBRARY):
            outputs.append(os.path.join(self.build_lib, "offregion",
                                        "liboffregion.so.0"))
        return outputs


class MaybeBinaryDistribution(Distribution):
    """A distribution that carries a native library is not pure Python."""

    def has_ext_modules(self):
        return os.path.exists(LIBRARY)


setup(
    version=version(),
    cmdclass={"build_py": BuildPy},
    distclass=MaybeBinaryDistribution,
    package_data={"offregion": ["liboffregion.so*"]},
)
