"""The conformance cases of shared/cases, judged through the binding.

Each case is written out by shared/tools/run-cases' own write_inputs, judged
line by line by a Detector with the case's settings (libloc off, as the
case's geo table holds all the geo data), and checked by run-cases' own
check().
"""

import glob
import importlib.machinery
import importlib.util
import json
import os
import tempfile

try:
    from . import _support
except ImportError:  # run from inside tests/
    import _support
offregion, unittest = _support.offregion, _support.unittest


def load_run_cases(shared):
    path = os.path.join(shared, "tools", "run-cases")
    loader = importlib.machinery.SourceFileLoader("offregion_run_cases",
                                                  path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class ConformanceTest(unittest.TestCase):

    def test_every_case(self):
        shared = _support.need_shared(self)
        cases = sorted(glob.glob(os.path.join(shared, "cases", "*.json")))
        if not cases:
            self.skipTest(f"no cases in {shared}/cases")
        run_cases = load_run_cases(shared)
        for path in cases:
            with self.subTest(case=os.path.basename(path)):
                with open(path) as f:
                    case = json.load(f)
                self.assertEqual(self.judge(run_cases, case), [])
        self.assertGreaterEqual(len(cases), 25)

    def judge(self, run_cases, case):
        settings = case["settings"]
        with tempfile.TemporaryDirectory() as folder:
            lines = run_cases.write_inputs(case, folder)[2]
            inventory = os.path.join(folder, "inventory.csv")
            detector = offregion.Detector(
                activation_days=settings["activation_days"],
                training_days=settings["training_days"],
                dedup_days=settings["dedup_days"],
                aws_ranges=os.path.join(folder, "ranges.json"),
                geo_tables=[os.path.join(folder, "geo.csv")],
                inventory=inventory if os.path.exists(inventory) else None,
                use_default_geo=False)
        with detector:
            verdicts = list(detector.judge_many(lines, batch_size=16))
        return run_cases.check(case, [v.to_dict() for v in verdicts], lines)


if __name__ == "__main__":
    unittest.main()
