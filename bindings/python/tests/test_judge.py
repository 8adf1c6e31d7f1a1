"""Judging: one record, many records, the OTRF sample, invalid records."""

import json
import os
import tempfile

try:
    from . import _support
except ImportError:  # run from inside tests/
    import _support
offregion, unittest = _support.offregion, _support.unittest


class JudgeTest(unittest.TestCase):

    def detector(self, **options):
        options.setdefault("activation_days", 0)
        options.setdefault("use_default_geo", False)
        return offregion.Detector(**options)

    def test_version(self):
        self.assertRegex(offregion.__version__, r"^\d+\.\d+\.\d+$")
        major, minor, patch = map(int, offregion.__version__.split("."))
        self.assertEqual(offregion.version_number,
                         major * 10000 + minor * 100 + patch)

    def test_dict_str_and_bytes_give_the_same_verdict(self):
        record = _support.ec2_record()
        text = json.dumps(record)
        got = []
        for form in (record, text, text.encode(), bytearray(text.encode())):
            with self.detector() as detector:
                got.append(detector.judge(form))
        self.assertEqual(got[0].outcome, "unresolved")
        self.assertEqual(got[0].compute_id, "i-0a1b2c3d4e5f60718")
        self.assertEqual(got[0].identity_class, "aws.ec2")
        self.assertEqual(got[0].origin.address, "203.0.113.9")
        self.assertEqual(got[0].origin.kind, "internet")
        self.assertEqual(got[0].event_time, "2024-05-01T10:00:00Z")
        for verdict in got[1:]:
            self.assertEqual(verdict, got[0])
            self.assertEqual(verdict.json_text, got[0].json_text)

    def test_to_dict_is_the_json(self):
        with self.detector() as detector:
            verdicts = list(detector.judge_many(
                offregion.read_records(_support.OTRF)))
        self.assertEqual(len(verdicts), 103)
        for verdict in verdicts:
            self.assertEqual(verdict.to_dict(), json.loads(verdict.json_text))
            self.assertEqual(offregion.Verdict.from_dict(verdict.to_dict()),
                             verdict)
            self.assertEqual(
                offregion.Verdict.from_json(verdict.json_text), verdict)

    def test_otrf_sample(self):
        ranges = _support.ranges_2020(self)
        with offregion.Detector(activation_days=0,
                                aws_ranges=ranges) as detector:
            verdicts = list(detector.judge_many(
                offregion.read_records(_support.OTRF)))
        alerts = [v for v in verdicts if v.outcome == "alert"]
        suppressed = [v for v in verdicts if v.outcome == "suppressed"]
        self.assertEqual(len(verdicts), 103)
        self.assertEqual(len(alerts), 1)
        self.assertEqual(len(suppressed), 10)
        alert = alerts[0]
        self.assertEqual(alert.compute_id, "i-0317f6c6b66ae9c40")
        self.assertEqual(alert.home_region, "us-east-1")
        self.assertEqual(alert.home_source, "issuance")
        self.assertEqual(alert.identity_class, "aws.ec2")
        self.assertEqual(alert.origin.address, "1.2.3.4")
        self.assertEqual(alert.origin.kind, "internet")
        self.assertTrue(alert.alert_id.startswith("oa-"))
        for verdict in suppressed:
            self.assertEqual(verdict.duplicate_of, alert.alert_id)
            self.assertEqual(verdict.compute_id, "i-0317f6c6b66ae9c40")

    def test_judge_many_equals_judge_one_by_one(self):
        ranges = _support.ranges_2020(self)
        records = list(offregion.read_records(_support.OTRF))
        with offregion.Detector(activation_days=0,
                                aws_ranges=ranges) as detector:
            one_by_one = [detector.judge(r) for r in records]
        for batch_size in (4096, 1, 7):
            for prefetch in (True, False):
                with offregion.Detector(activation_days=0,
                                        aws_ranges=ranges) as detector:
                    many = list(detector.judge_many(
                        records, batch_size=batch_size, prefetch=prefetch))
                self.assertEqual(many, one_by_one)
                self.assertEqual([v.json_text for v in many],
                                 [v.json_text for v in one_by_one])
        with offregion.Detector(activation_days=0,
                                aws_ranges=ranges) as detector:
            lines = list(detector.judge_many_json(records, batch_size=10))
        self.assertEqual(lines, [v.json_text for v in one_by_one])

    def test_judge_many_delivers_what_was_judged_before_an_input_error(self):
        records = [_support.ec2_record() for _ in range(3)]
        for i, record in enumerate(records):
            record["eventID"] = f"e-{i}"

        def source():
            yield from records
            raise RuntimeError("input broke")
        for prefetch in (True, False):
            for batch_size in (1, 2, 4096):
                got = []
                with self.detector() as detector:
                    with self.assertRaises(RuntimeError):
                        for verdict in detector.judge_many(
                                source(), batch_size=batch_size,
                                prefetch=prefetch):
                            got.append(verdict.event_id)
                self.assertEqual(got, ["e-0", "e-1", "e-2"],
                                 (prefetch, batch_size))

    def test_judge_many_takes_mixed_forms(self):
        records = [_support.ec2_record("a"), json.dumps(
            _support.ec2_record("b")), json.dumps(
                _support.ec2_record("c")).encode(), "{broken"]
        with self.detector() as detector:
            many = list(detector.judge_many(records, batch_size=3))
        with self.detector() as detector:
            single = [detector.judge(r) for r in records]
        self.assertEqual(many, single)
        self.assertEqual([v.event_id for v in many], ["a", "b", "c", ""])
        self.assertEqual(many[3].outcome, "invalid")

    def test_judge_many_is_lazy_and_empty_input_is_fine(self):
        with self.detector() as detector:
            self.assertEqual(list(detector.judge_many([])), [])
            generator = detector.judge_many(iter([_support.ec2_record()]))
            self.assertEqual(next(generator).outcome, "unresolved")
            with self.assertRaises(ValueError):
                list(detector.judge_many([], batch_size=0))

    def test_invalid_records(self):
        with self.detector() as detector:
            broken = detector.judge("{not json")
            self.assertEqual(broken.outcome, "invalid")
            self.assertTrue(broken.error)
            self.assertEqual(detector.judge(b"").outcome, "invalid")
            self.assertEqual(detector.judge("[1, 2]").error,
                             "record is not a JSON object but an array")
            self.assertEqual(detector.judge({"foo": 1}).error,
                             "record has no eventTime")
            early = detector.judge(_support.ec2_record(
                eventTime="1990-01-01T00:00:00Z"))
            self.assertEqual(early.outcome, "invalid")
            self.assertEqual(early.event_time, "1990-01-01T00:00:00Z")
            # The stream goes on.
            self.assertEqual(detector.judge(_support.ec2_record()).outcome,
                             "unresolved")
            with self.assertRaises(TypeError):
                detector.judge(42)


class ReadRecordsTest(unittest.TestCase):

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = os.path.join(folder.name, "mixed.jsonl")
        with open(self.path, "w") as f:
            f.write(json.dumps(_support.ec2_record("first")) + "\n")
            f.write("{broken\n")
            f.write("\n")
            f.write(json.dumps(_support.ec2_record("third")) + "\n")

    def test_items_are_bytes_or_record_errors(self):
        with offregion.read_records(self.path) as reader:
            items = list(reader)
        self.assertIsNone(reader.error)
        self.assertEqual(len(items), 3)
        self.assertEqual(json.loads(items[0])["eventID"], "first")
        self.assertIsInstance(items[1], offregion.RecordError)
        self.assertTrue(items[1].message.startswith(
            f"{self.path}:2: not valid JSON: "), items[1].message)
        self.assertEqual(json.loads(items[2])["eventID"], "third")

    def test_a_broken_record_becomes_an_invalid_verdict(self):
        with offregion.Detector(activation_days=0,
                                use_default_geo=False) as detector:
            verdicts = list(detector.judge_many(
                offregion.read_records(self.path)))
            error = list(offregion.read_records(self.path))[1]
            self.assertEqual(detector.judge(error), verdicts[1])
        self.assertEqual([v.outcome for v in verdicts],
                         ["unresolved", "invalid", "unresolved"])
        invalid = verdicts[1]
        self.assertEqual(invalid.error, error.message)
        self.assertEqual(invalid.explanation,
                         "record could not be read: " + error.message)
        self.assertEqual(invalid.json_text, json.dumps(
            {"outcome": "invalid", "error": error.message,
             "explanation": "record could not be read: " + error.message},
            separators=(",", ":")))

    def test_every_shape_the_cli_reads(self):
        records = list(offregion.read_records(_support.OTRF))
        self.assertEqual(len(records), 103)
        self.assertTrue(all(isinstance(r, bytes) for r in records))
        folder = os.path.dirname(self.path)
        shapes = {
            "array.json": json.dumps([json.loads(r) for r in records]),
            "delivery.json": json.dumps(
                {"Records": [json.loads(r) for r in records]}),
        }
        for name, text in shapes.items():
            path = os.path.join(folder, name)
            with open(path, "w") as f:
                f.write(text)
            self.assertEqual([json.loads(r) for r in
                              offregion.read_records(path)],
                             [json.loads(r) for r in records], name)

    def test_missing_file(self):
        with self.assertRaises(offregion.OffregionError) as caught:
            offregion.read_records(self.path + ".missing")
        self.assertEqual(caught.exception.status, offregion.STATUS_NOT_FOUND)
        self.assertIn(self.path + ".missing", caught.exception.message)

    def test_truncated_gzip_keeps_records_and_reports(self):
        import gzip
        path = self.path + ".gz"
        lines = "".join(json.dumps(_support.ec2_record(str(i))) + "\n"
                        for i in range(200)).encode()
        data = gzip.compress(lines)
        with open(path, "wb") as f:
            f.write(data[:len(data) * 2 // 3])
        reader = offregion.read_records(path)
        items = list(reader)
        self.assertGreater(len(items), 0)
        self.assertLess(len(items), 200)
        self.assertIsNotNone(reader.error)
        self.assertEqual(reader.error.status, offregion.STATUS_DATA_LOSS)
        self.assertIn(path, reader.error.message)


if __name__ == "__main__":
    unittest.main()
