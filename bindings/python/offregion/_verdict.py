"""Verdicts: what the detector decided about one record.

A Verdict mirrors the verdict JSON of the library (VerdictToJson) field by
field. Absent strings are "", absent numbers 0, absent flags False.
"""

import dataclasses
import json
import json.scanner
from dataclasses import dataclass, field

OUTCOMES = ("not_applicable", "in_region", "learning", "unresolved", "alert",
            "suppressed", "invalid")
SEVERITIES = ("", "informational", "low", "medium", "high")
VARIATIONS = ("", "outside_region_unusual_geo_and_asn",
              "outside_region_unusual_geo", "outside_region_unusual_asn",
              "outside_region", "outside_region_same_cloud",
              "failed_outside_region", "lambda_outside_region",
              "foreign_vpc_endpoint")


@dataclass(frozen=True)
class Origin:
    """Where a call came from: its address, network and geolocation."""

    address: str = ""
    kind: str = ""         # "internet", "cloud", "internal", "vpc_endpoint"...
    provider: str = ""     # "aws" for a cloud range
    region: str = ""
    country: str = ""      # ISO 3166-1 alpha-2
    asn: int = 0
    as_org: str = ""
    city: str = ""
    geo_source: str = ""
    country_source: str = ""
    asn_source: str = ""

    def to_dict(self):
        """Returns the origin as in the JSON: empty strings and ASN 0 left
        out."""
        out = {}
        for name in _ORIGIN_ORDER:
            value = getattr(self, name)
            if value:
                out[name] = value
        return out


_ORIGIN_ORDER = tuple(f.name for f in dataclasses.fields(Origin))
_ORIGIN_FIELDS = frozenset(_ORIGIN_ORDER)
EMPTY_ORIGIN = Origin()


@dataclass(frozen=True)
class Verdict:
    """The verdict on one CloudTrail record.

    Fields mirror the keys of the library's verdict JSON. ``json_text`` holds
    that JSON line exactly as the library wrote it ("" for verdicts made in
    Python); it takes no part in comparisons.
    """

    outcome: str = ""
    event_id: str = ""
    event_time: str = ""   # RFC 3339 UTC, as in the JSON
    event_name: str = ""
    alert_id: str = ""
    duplicate_of: str = ""
    variation: str = ""
    severity: str = ""
    account: str = ""
    identity: str = ""
    identity_class: str = ""
    compute_id: str = ""
    home_region: str = ""
    home_source: str = ""
    origin: Origin = EMPTY_ORIGIN
    unusual_country: bool = False
    unusual_asn: bool = False
    error_code: str = ""
    error: str = ""
    explanation: str = ""
    json_text: str = field(default="", repr=False, compare=False)

    @property
    def is_alert(self):
        """True for an alert (not a suppressed repeat)."""
        return self.outcome == "alert"

    @classmethod
    def from_dict(cls, data, json_text=""):
        """Builds a verdict from the parsed verdict JSON (a dict, not kept);
        unknown keys are ignored."""
        data = {k: v for k, v in data.items() if k in _FIELDS}
        data["json_text"] = json_text
        origin = data.pop("origin", None)
        verdict = _adopt(data)
        if isinstance(origin, Origin):
            verdict.__dict__["origin"] = origin
        elif origin:
            verdict.__dict__["origin"] = Origin(**{
                k: v for k, v in origin.items() if k in _ORIGIN_FIELDS})
        return verdict

    @classmethod
    def from_json(cls, text):
        """Builds a verdict from one line of verdict JSON (str or bytes)."""
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8")
        return cls.from_dict(json.loads(text), text)

    def to_dict(self):
        """Returns the verdict as a plain dict with the keys of the JSON.

        Like the JSON, it leaves out empty strings, an origin with neither
        address nor kind, ASN 0, and ``unusual_country``/``unusual_asn``
        except on alerts and suppressed verdicts. For verdicts from the
        library, ``to_dict() == json.loads(v.json_text)``.
        """
        out = {}
        for name in _DICT_ORDER:
            value = getattr(self, name)
            if name == "origin":
                if value.address or value.kind:
                    out[name] = value.to_dict()
            elif name in ("unusual_country", "unusual_asn"):
                if self.outcome in ("alert", "suppressed"):
                    out[name] = bool(value)
            elif value:
                out[name] = value
        return out

    def to_json(self):
        """Returns the verdict JSON line (without newline): the library's
        text when there is one."""
        if self.json_text:
            return self.json_text
        return json.dumps(self.to_dict(), separators=(",", ":"),
                          ensure_ascii=False)


_FIELDS = frozenset(f.name for f in dataclasses.fields(Verdict))
_DICT_ORDER = tuple(f.name for f in dataclasses.fields(Verdict)
                    if f.name != "json_text")
_set = object.__setattr__
_new = object.__new__


def _adopt(data):
    """Returns a Verdict whose attributes are the dict `data`, taken over.

    The fast path of judge_many: a dataclass's fields that are absent from
    the instance dict read the class's defaults, so the JSON's dict (where
    absent values are left out) becomes the instance's as it is, with no
    call per field. `data` holds field names only, plus "json_text".
    """
    origin = data.get("origin")
    if origin is not None:
        value = _new(Origin)
        _set(value, "__dict__", origin)
        data["origin"] = value
    verdict = _new(Verdict)
    _set(verdict, "__dict__", data)
    return verdict


def verdict_from_line(line):
    """Returns the Verdict of one line of the library's verdict JSON (str).

    Keys the library may add in later versions stay in the instance dicts
    (of the verdict and its origin) without being fields; they take no part
    in comparisons or to_dict().
    """
    data = _scan(line, 0)[0]
    data["json_text"] = line
    return _adopt(data)


# The C scanner behind json.loads, without its Python wrappers (which check
# for trailing text the library never writes): a third less time a line.
_scan = json.scanner.make_scanner(json.JSONDecoder())


def _json_string(data):
    """Returns `data` (bytes) as a JSON string literal (bytes), escaped the
    way the library's JSON writer escapes it."""
    out = bytearray(b'"')
    i = 0
    n = len(data)
    while i < n:
        c = data[i]
        if c in (0x22, 0x5C):
            out += b"\\" + bytes((c,))
        elif c == 0x0A:
            out += b"\\n"
        elif c == 0x09:
            out += b"\\t"
        elif c == 0x0D:
            out += b"\\r"
        elif c < 0x20 or c == 0x7F:
            out += b"\\u%04x" % c
        elif c >= 0x80:
            length = _utf8_length(data, i)
            if length == 0:
                out += b"\xef\xbf\xbd"
                i += 1
                continue
            out += data[i:i + length]
            i += length
            continue
        else:
            out.append(c)
        i += 1
    out += b'"'
    return bytes(out)


def _utf8_length(data, i):
    c = data[i]
    if 0xC2 <= c <= 0xDF:
        n = 2
    elif 0xE0 <= c <= 0xEF:
        n = 3
    elif 0xF0 <= c <= 0xF4:
        n = 4
    else:
        return 0
    if len(data) - i < n:
        return 0
    for k in range(1, n):
        if data[i + k] & 0xC0 != 0x80:
            return 0
    return n


def invalid_verdict(message):
    """Returns the `invalid` verdict the CLI gives a record the reader could
    not cut out; `message` (str or bytes) is the reader's message, e.g.
    "FILE:2: not valid JSON: ..."."""
    if isinstance(message, str):
        message = message.encode("utf-8", "surrogateescape")
    line = b'{"outcome":"invalid"'
    if message:
        line += b',"error":' + _json_string(message)
    line += (b',"explanation":' +
             _json_string(b"record could not be read: " + message) + b"}")
    return Verdict.from_json(line)
