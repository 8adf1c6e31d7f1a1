"""Installing the package with pip, and finding the library."""

import os
import shutil
import subprocess
import sys
import tempfile

try:
    from . import _support
except ImportError:  # run from inside tests/
    import _support
offregion, unittest = _support.offregion, _support.unittest


def python(code, cwd, **env_changes):
    env = {k: v for k, v in os.environ.items()
           if k not in ("OFFREGION_LIBRARY", "PYTHONPATH")}
    env.update(env_changes)
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


class InstallTest(unittest.TestCase):

    def test_pip_install_target(self):
        if subprocess.run([sys.executable, "-m", "pip", "--version"],
                          capture_output=True).returncode != 0:
            self.skipTest("pip is missing")
        library = os.path.join(_support.REPO, "build", "lib",
                               "liboffregion.so.0")
        if not os.path.exists(library):
            self.skipTest(f"{library} is not built")
        with tempfile.TemporaryDirectory() as folder:
            target = os.path.join(folder, "site")
            # A copy of the package: pip leaves build files next to it.
            source = os.path.join(folder, "src", "bindings", "python")
            shutil.copytree(_support.PACKAGE_ROOT, source,
                            ignore=shutil.ignore_patterns(
                                "build", "*.egg-info", "__pycache__",
                                "liboffregion.so*"))
            os.symlink(os.path.join(_support.REPO, "build"),
                       os.path.join(folder, "src", "build"))
            shutil.copy(os.path.join(_support.REPO, "CMakeLists.txt"),
                        os.path.join(folder, "src"))
            done = subprocess.run(
                [sys.executable, "-m", "pip", "install", "-q",
                 "--no-build-isolation", "--no-index", "--target", target,
                 source], capture_output=True, text=True, timeout=600)
            self.assertEqual(done.returncode, 0, done.stderr[-2000:])
            self.assertTrue(os.path.exists(
                os.path.join(target, "offregion", "liboffregion.so.0")))
            shutil.rmtree(os.path.join(folder, "src"))
            done = python(
                "import offregion, sys\n"
                "print(offregion.library_path)\n"
                "print(offregion.__version__)\n"
                "d = offregion.Detector(activation_days=0,"
                " use_default_geo=False)\n"
                "print(d.judge({'eventTime': 'x'}).outcome)\n",
                cwd=folder, PYTHONPATH=target)
            self.assertEqual(done.returncode, 0, done.stderr)
            path, version, outcome = done.stdout.split()
            self.assertEqual(path, os.path.join(target, "offregion",
                                                "liboffregion.so.0"))
            self.assertEqual(version, offregion.__version__)
            self.assertEqual(outcome, "invalid")


class LookupTest(unittest.TestCase):

    def test_offregion_library_wins_and_errors_list_the_paths(self):
        done = python("import offregion", cwd=_support.PACKAGE_ROOT,
                      OFFREGION_LIBRARY="/nonexistent/liboffregion.so")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("ImportError", done.stderr)
        self.assertIn("/nonexistent/liboffregion.so: not there",
                      done.stderr)
        done = python("import offregion; print(offregion.library_path)",
                      cwd=_support.PACKAGE_ROOT,
                      OFFREGION_LIBRARY=offregion.library_path)
        self.assertEqual(done.stdout.strip(), offregion.library_path)

    def test_candidates_walk_up_to_build_lib(self):
        from offregion import _lib
        saved = os.environ.pop("OFFREGION_LIBRARY", None)
        try:
            paths = _lib.candidates("/a/b/offregion")
        finally:
            if saved is not None:
                os.environ["OFFREGION_LIBRARY"] = saved
        self.assertEqual(paths[:2], ["/a/b/offregion/liboffregion.so.0",
                                     "/a/b/offregion/liboffregion.so"])
        self.assertEqual(paths[2:], [
            "/a/b/build/lib/liboffregion.so.0",
            "/a/b/build/lib/liboffregion.so",
            "/a/build/lib/liboffregion.so.0",
            "/a/build/lib/liboffregion.so",
            "/build/lib/liboffregion.so.0", "/build/lib/liboffregion.so"])


if __name__ == "__main__":
    unittest.main()
