"""Options, errors, the detector's life, callbacks, state."""

import gc
import os
import tempfile
import threading

try:
    from . import _support
except ImportError:  # run from inside tests/
    import _support
offregion, unittest = _support.offregion, _support.unittest


def quiet(**options):
    options.setdefault("activation_days", 0)
    options.setdefault("use_default_geo", False)
    return offregion.Detector(**options)


class ErrorsTest(unittest.TestCase):

    def assertStatus(self, status, name, **options):
        with self.assertRaises(offregion.OffregionError) as caught:
            quiet(**options)
        self.assertEqual(caught.exception.status, status)
        self.assertEqual(caught.exception.status_name, name)
        self.assertTrue(caught.exception.message)
        return caught.exception

    def test_missing_ranges_file(self):
        error = self.assertStatus(2, "not_found",
                                  aws_ranges="/nonexistent/ranges.json")
        self.assertEqual(offregion.STATUS_NOT_FOUND, 2)
        self.assertIn("/nonexistent/ranges.json", error.message)
        self.assertIn("/nonexistent/ranges.json", str(error))

    def test_bad_severity_name(self):
        error = self.assertStatus(1, "invalid_argument",
                                  severities={"outside_region": "huge"})
        self.assertEqual(error.message, 'unknown severity "huge"')
        error = self.assertStatus(1, "invalid_argument",
                                  severities={"nowhere": "high"})
        self.assertEqual(error.message, 'unknown variation "nowhere"')

    def test_bad_periods(self):
        self.assertStatus(1, "invalid_argument", activation_days=-1)
        self.assertStatus(1, "invalid_argument", training_days=0)
        self.assertStatus(1, "invalid_argument", dedup_days=-0.5)
        with self.assertRaises(ValueError):
            quiet(activation_days=float("nan"))
        with self.assertRaises(TypeError):
            quiet(activation_days="soon")

    def test_missing_reference_files(self):
        for option in ("geo_tables", "mmdb", "inventory"):
            self.assertStatus(2, "not_found",
                              **{option: "/nonexistent/file"})

    def test_inventory_file_and_callback_exclude_each_other(self):
        with self.assertRaises(ValueError):
            quiet(inventory="x.csv", inventory_lookup=lambda a, c: None)


class SettingsTest(unittest.TestCase):

    def test_severity_override_and_fractional_days(self):
        record = _support.ec2_record(resources=[{
            "type": "AWS::EC2::Instance",
            "ARN": "arn:aws:ec2:eu-west-1:111122223333:instance/"
                   "i-0a1b2c3d4e5f60718"}])
        geo = {"country": "NL", "asn": 64500}
        with quiet(geo_lookup=lambda a: geo) as detector:
            self.assertEqual(detector.judge(record).severity, "high")
        with quiet(geo_lookup=lambda a: geo, severities={
                "outside_region_unusual_geo_and_asn": "LOW"}) as detector:
            verdict = detector.judge(record)
        self.assertEqual(verdict.variation,
                         "outside_region_unusual_geo_and_asn")
        self.assertEqual(verdict.severity, "low")
        with quiet(activation_days=0.5) as detector:
            self.assertEqual(detector.judge(record).outcome, "learning")

    def test_geo_tables_and_cache(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        table = os.path.join(folder.name, "geo.csv")
        with open(table, "w") as f:
            f.write("network,country,asn,as_org\n"
                    "203.0.113.0/24,FR,64501,Table Org\n")
        with quiet(geo_tables=table, geo_cache_entries=16) as detector:
            origin = detector.judge(_support.ec2_record()).origin
            detector.judge(_support.ec2_record("again"))
            self.assertEqual(detector.geo_cache_stats(), (1, 1))
        self.assertEqual((origin.country, origin.asn, origin.as_org),
                         ("FR", 64501, "Table Org"))
        with quiet(geo_tables=[table], geo_cache_entries=0) as detector:
            detector.judge(_support.ec2_record())
            self.assertEqual(detector.geo_cache_stats(), (0, 0))


class LifecycleTest(unittest.TestCase):

    def test_context_manager_closes(self):
        with quiet() as detector:
            self.assertFalse(detector.closed)
            detector.judge(_support.ec2_record())
        self.assertTrue(detector.closed)
        with self.assertRaisesRegex(ValueError, "closed"):
            detector.judge(_support.ec2_record())
        with self.assertRaisesRegex(ValueError, "closed"):
            list(detector.judge_many([_support.ec2_record()]))
        with self.assertRaisesRegex(ValueError, "closed"):
            detector.geo_cache_stats()
        with self.assertRaisesRegex(ValueError, "closed"):
            with detector:
                pass

    def test_close_is_idempotent_and_del_is_safe(self):
        detector = quiet()
        detector.close()
        detector.close()
        del detector
        quiet().__del__()
        try:
            quiet(aws_ranges="/nonexistent")
        except offregion.OffregionError:
            pass
        gc.collect()

    def test_threads_share_a_detector(self):
        records = [_support.ec2_record(str(i)) for i in range(400)]
        with quiet() as detector:
            results = []

            def work(part):
                results.extend(detector.judge(r) for r in part)
            threads = [threading.Thread(target=work, args=(records[i::4],))
                       for i in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(len(results), 400)
        self.assertEqual(sorted(v.event_id for v in results),
                         sorted(str(i) for i in range(400)))


class CallbackTest(unittest.TestCase):

    def test_inventory_callback_gives_the_home_region(self):
        asked = []

        def inventory(account, compute_id):
            asked.append((account, compute_id))
            return "eu-west-1" if compute_id.startswith("i-0a1b") else None
        with quiet(inventory_lookup=inventory) as detector:
            verdict = detector.judge(_support.ec2_record())
            self.assertEqual(detector.callback_errors, [])
        self.assertIn(("111122223333", "i-0a1b2c3d4e5f60718"), asked)
        self.assertEqual(verdict.home_region, "eu-west-1")
        self.assertEqual(verdict.home_source, "inventory")
        self.assertEqual(verdict.outcome, "alert")
        self.assertEqual(verdict.variation, "outside_region")
        self.assertEqual(verdict.severity, "low")

    def test_geo_callback_supplies_country_and_asn(self):
        asked = []

        def geo(address):
            asked.append(address)
            return {"country": "nl", "asn": 64500, "as_org": "Example Net"}
        with quiet(geo_lookup=geo,
                   inventory_lookup=lambda a, c: "eu-west-1") as detector:
            verdict = detector.judge(_support.ec2_record())
        self.assertEqual(asked, ["203.0.113.9"])
        self.assertEqual(verdict.origin, offregion.Origin(
            address="203.0.113.9", kind="internet", country="NL", asn=64500,
            as_org="Example Net", geo_source="callback",
            country_source="callback", asn_source="callback"))
        self.assertEqual(verdict.variation,
                         "outside_region_unusual_geo_and_asn")
        self.assertEqual(verdict.severity, "high")
        self.assertTrue(verdict.unusual_country)
        self.assertTrue(verdict.unusual_asn)

    def test_geo_callback_tuple_and_no_data(self):
        with quiet(geo_lookup=lambda a: ("DE", 3320)) as detector:
            origin = detector.judge(_support.ec2_record()).origin
        self.assertEqual((origin.country, origin.asn, origin.as_org),
                         ("DE", 3320, ""))
        with quiet(geo_lookup=lambda a: None) as detector:
            verdict = detector.judge(_support.ec2_record())
            self.assertEqual(detector.callback_errors, [])
        self.assertEqual((verdict.origin.country, verdict.error), ("", ""))

    def test_calling_the_detector_from_its_callback_is_refused(self):
        box = {}

        def inventory(account, compute_id):
            box["detector"].stats()  # would deadlock without the guard
            return "eu-west-1"
        with quiet(inventory_lookup=inventory) as detector:
            box["detector"] = detector
            verdict = detector.judge(_support.ec2_record())
            self.assertEqual(verdict.outcome, "unresolved")
            self.assertEqual(len(detector.callback_errors), 1)
            self.assertIn("inside one of its own callbacks",
                          str(detector.callback_errors[0]))

    def test_judge_many_from_its_own_callback_is_refused(self):
        box = {}

        def inventory(account, compute_id):
            list(box["detector"].judge_many([_support.ec2_record()]))
            return "eu-west-1"
        with quiet(inventory_lookup=inventory) as detector:
            box["detector"] = detector
            detector.judge(_support.ec2_record())
            self.assertEqual(len(detector.callback_errors), 1)
            self.assertIn("inside one of its own callbacks",
                          str(detector.callback_errors[0]))

    def test_limits(self):
        with quiet(limits={"identities": 1, "sessions": 5}) as detector:
            self.assertEqual(detector.judge(_support.ec2_record()).outcome,
                             "unresolved")
        with self.assertRaises(ValueError):
            quiet(limits={"identities": 0})
        with self.assertRaises(ValueError):
            quiet(limits={"nonsense": 3})

    def test_a_raising_callback_fails_the_lookup_only(self):
        def boom(*args):
            raise RuntimeError("boom")
        with quiet(geo_lookup=boom, inventory_lookup=boom) as detector:
            verdict = detector.judge(_support.ec2_record())
            verdicts = list(detector.judge_many(
                [_support.ec2_record(str(i)) for i in range(3)]))
            errors = list(detector.callback_errors)
        self.assertEqual(verdict.outcome, "unresolved")
        self.assertEqual(verdict.home_region, "")
        self.assertIn("geo callback failed for 203.0.113.9", verdict.error)
        self.assertEqual(len(verdicts), 3)
        self.assertEqual(len(errors), 8)
        self.assertTrue(all(isinstance(e, RuntimeError) for e in errors))

    def test_a_bad_answer_is_a_callback_error(self):
        with quiet(geo_lookup=lambda a: {"asn": "many"},
                   inventory_lookup=lambda a, c: 42) as detector:
            verdict = detector.judge(_support.ec2_record())
            errors = detector.callback_errors
        self.assertEqual(verdict.outcome, "unresolved")
        self.assertEqual([type(e) for e in errors], [TypeError, TypeError])

    def test_callbacks_live_as_long_as_the_detector(self):
        def make():
            region = "eu-west-1"
            return quiet(inventory_lookup=lambda a, c: region)
        detector = make()
        gc.collect()
        self.assertEqual(detector.judge(_support.ec2_record()).home_region,
                         "eu-west-1")
        detector.close()


class StateTest(unittest.TestCase):

    def test_save_load_and_stats(self):
        if not offregion._lib.has("offregion_detector_save"):
            self.skipTest("the library has no state snapshots")
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = os.path.join(folder.name, "state.bin")
        home = {"inventory_lookup": lambda a, c: "eu-west-1"}
        with quiet(**home) as detector:
            first = detector.judge(_support.ec2_record("1"))
            self.assertEqual(detector.stats()["dedup_entries"], 1)
            detector.save(path)
        with quiet(**home) as detector:
            detector.load(path)
            again = detector.judge(_support.ec2_record("2"))
            with self.assertRaises(offregion.OffregionError) as caught:
                detector.load(path)
        self.assertEqual(again.outcome, "suppressed")
        self.assertEqual(again.duplicate_of, first.alert_id)
        self.assertEqual(caught.exception.status,
                         offregion.STATUS_FAILED_PRECONDITION)
        with quiet() as detector:
            with self.assertRaises(offregion.OffregionError) as caught:
                detector.load(path + ".missing")
        self.assertEqual(caught.exception.status, offregion.STATUS_NOT_FOUND)


if __name__ == "__main__":
    unittest.main()
