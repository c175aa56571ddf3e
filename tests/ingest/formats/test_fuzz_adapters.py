"""Bad input never escapes as anything but a CredpathError, and big files are read in bounded memory."""

from __future__ import annotations

import csv
import gzip
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest.formats.jsonld
from graph.errors import CredpathError
from ingest.formats import ADAPTERS, Adapter, detect_format

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
REPO = Path(__file__).resolve().parents[3]
FIXTURE_FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "README.md")
FOLDERS = [FIXTURES / "esco", FIXTURES / "onet"]
FUZZ = settings(
    max_examples=int(os.environ.get("CREDPATH_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def only_credpath_errors(action: Callable[[], Any]) -> None:
    """Run ``action``; a CredpathError is an acceptable answer to bad input, anything else fails the test."""
    try:
        action()
    except CredpathError as err:
        assert str(err)


def detect_and_read(path: Path) -> None:
    adapter = detect_format(path)
    adapter.read(path)


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FUZZ
@given(data=st.binary(max_size=2048), adapter=st.sampled_from(ADAPTERS), gz=st.booleans())
def test_random_bytes(work: Path, data: bytes, adapter: Adapter, gz: bool) -> None:
    path = work / ("random.gz" if gz else "random")
    path.write_bytes(gzip.compress(data) if gz else data)
    only_credpath_errors(lambda: adapter.read(path))
    only_credpath_errors(lambda: detect_and_read(path))


KEYS = [
    "@id", "@type", "id", "type", "@graph", "@context", "@value", "en-US", "@en-US", "name", "ceterms:name",
    "ceterms:ctid", "ceterms:requires", "ceterms:prerequisite", "ceterms:entryCondition", "ceterms:targetCredential",
    "ceterms:targetLearningOpportunity", "ceterms:targetCompetency", "ceterms:alternativeCondition",
    "ceterms:requiredNumber", "ceterms:estimatedDuration", "ceterms:exactDuration", "ceterms:exactTimeRequired",
    "ceterms:minimumDuration", "ceterms:maximumDuration", "ceterms:estimatedCost", "ceterms:price",
    "ceterms:currency", "ceterms:directCostType", "ceterms:creditValue", "ceterms:value", "ceterms:teaches",
    "ceterms:targetNode", "ceterms:targetNodeName", "ceterms:hasPart", "ceterms:isPartOf", "ceterms:offeredBy",
    "ceterms:audienceLevelType", "ceterms:deliveryType", "ceterms:expirationDate", "ceterms:inLanguage",
    "ceterms:occupationType", "ceterms:subjectWebpage", "hasCondition", "targetComponent", "logicalOperand",
    "leftOperand", "rightOperand", "ceasn:competencyText", "ceasn:competencyLabel", "ceasn:prerequisiteAlignment",
    "ceasn:exactAlignment", "ceasn:hasChild", "ceasn:isChildOf", "alignment", "targetUrl", "targetName",
    "targetCode", "targetType", "credentialSubject", "achievement", "issuer", "creator", "badge", "criteria",
    "narrative", "creditsAvailable", "resultDescription", "achievementType", "tags", "fieldOfStudy",
]  # fmt: skip
WORDS = [
    "ceterms:Course", "ceterms:LearningProgram", "ceterms:BachelorDegree", "ceterms:MicroCredential",
    "ceterms:ConditionProfile", "ceasn:Competency", "ceasn:CompetencyFramework", "ceterms:CredentialOrganization",
    "CourseComponent", "Pathway", "BadgeClass", "Achievement", "Assertion", "OpenBadgeCredential", "Profile",
    "reqNum", "OR", "AND", "P9M", "PT5H", "P1Y2M3DT4H", "-P1D", "P99999999999Y", "PT", "US Dollar", "EUR",
    "audLevel:BeginnerLevel", "deliveryType:OnlineOnly", "costType:AggregateCost", "2027-02-30",
    "https://example.org/a", "https://example.org/b", "ce-6369c51f-4d86-4592-a761-8b32ae70a045", "",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.sampled_from(WORDS),
    st.text(max_size=20),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=6),
    ),
    max_leaves=60,
)


@FUZZ
@given(tree=trees, streamed=st.booleans(), wrap=st.sampled_from(["none", "graph", "array"]))
def test_random_json_ld_trees(work: Path, tree: Any, streamed: bool, wrap: str) -> None:
    document = {"@graph": [tree, tree]} if wrap == "graph" else [tree] if wrap == "array" else tree
    path = work / "tree.json"
    path.write_text(json.dumps(document))
    with mock.patch.object(
        ingest.formats.jsonld, "SMALL_JSON_BYTES", 0 if streamed else ingest.formats.jsonld.SMALL_JSON_BYTES
    ):
        for adapter in ADAPTERS[1:3]:  # ctdl, openbadges
            only_credpath_errors(lambda a=adapter: a.read(path))  # type: ignore[misc]


def mutate(data: bytes, draw: st.DataObject) -> bytes:
    """Flip, delete, duplicate or insert bytes, or truncate."""
    out = bytearray(data)
    for _ in range(draw.draw(st.integers(1, 6), label="edits")):
        if not out:
            break
        at = draw.draw(st.integers(0, len(out) - 1), label="at")
        edit = draw.draw(st.sampled_from(["flip", "delete", "insert", "truncate", "repeat"]), label="edit")
        if edit == "flip":
            out[at] ^= 1 << draw.draw(st.integers(0, 7), label="bit")
        elif edit == "delete":
            del out[at : at + draw.draw(st.integers(1, 50), label="n")]
        elif edit == "insert":
            out[at:at] = draw.draw(st.binary(min_size=1, max_size=8), label="bytes")
        elif edit == "truncate":
            del out[at:]
        else:
            out[at:at] = out[at : at + draw.draw(st.integers(1, 200), label="n")]
    return bytes(out)


@FUZZ
@given(source=st.sampled_from(FIXTURE_FILES), data=st.data(), mangle_gzip=st.booleans())
def test_mutated_fixture_files(work: Path, source: Path, data: st.DataObject, mangle_gzip: bool) -> None:
    raw = source.read_bytes()
    inside = source.suffix == ".gz" and not mangle_gzip  # mutate the content, not the compressed stream
    mutated = gzip.compress(mutate(gzip.decompress(raw), data)) if inside else mutate(raw, data)
    path = work / "mutated" / source.name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(mutated)
    only_credpath_errors(lambda: detect_and_read(path))
    for adapter in ADAPTERS:
        only_credpath_errors(lambda a=adapter: a.read(path))  # type: ignore[misc]


@FUZZ
@given(folder=st.sampled_from(FOLDERS), data=st.data())
def test_mutated_release_folders(work: Path, folder: Path, data: st.DataObject) -> None:
    target = work / "release" / folder.name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(folder, target)
    victim = data.draw(st.sampled_from(sorted(p for p in target.iterdir() if p.name != "README.md")), label="file")
    raw = victim.read_bytes()
    if victim.suffix == ".gz":
        victim.write_bytes(gzip.compress(mutate(gzip.decompress(raw), data)))
    else:
        victim.write_bytes(mutate(raw, data))
    only_credpath_errors(lambda: detect_and_read(target))


LONG = "https://example.org/" + "x" * 3000  # longer than any id the model accepts


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ctdl.json", json.dumps({"@type": "ceterms:Course", "@id": LONG, "ceterms:name": "C"})),
        ("ctdl-skill.json", json.dumps({"@type": "ceterms:Course", "@id": "c", "name": "C", "teaches": [LONG]})),
        ("badge.json", json.dumps({"type": "BadgeClass", "id": "b", "name": "B", "alignment": [{"targetUrl": LONG}]})),
        ("skills_en.csv", f"conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels\nK,{LONG},s,r,L,\n"),
        ("onet.txt", f"O*NET-SOC Code\tTitle\tDescription\n{'1' * 3000}\tT\tD\n"),
    ],
)
def test_oversized_ids_are_skipped_with_the_field(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = detect_format(path).read(path)
    assert result.catalogue.credentials == () and result.catalogue.skills == () == result.catalogue.occupations
    assert "at most 2048 characters" in result.skipped[0].reason


_PROBE = """
import sys, tracemalloc
from pathlib import Path
from ingest.formats.detect import detect_format
path = Path(sys.argv[1])
adapter = detect_format(path)
tracemalloc.start()
result = adapter.read(path)
peak = tracemalloc.get_traced_memory()[1]
print(adapter.name, len(result.catalogue.credentials), peak / 2**20)
"""


def peak_growth_mb(path: Path) -> tuple[str, int, float]:
    """(format, credentials read, peak MB allocated while reading) for ``path``, in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)], cwd=REPO, capture_output=True, text=True, check=True, timeout=600
    ).stdout.split()
    return out[0], int(out[1]), float(out[2])


def test_large_graph_is_streamed(tmp_path: Path) -> None:
    """A 60 MB @graph is read node by node (json.load alone allocates about 120 MB for it; streaming 13)."""
    path = tmp_path / "big.json"
    padding = "p" * 10_000
    with path.open("w") as f:
        f.write('{"@context": "https://credreg.net/ctdl/schema/context/json", "@graph": [')
        for i in range(6000):
            node = {
                "@id": f"https://example.org/course/{i}",
                "@type": "ceterms:Course",
                "ceterms:name": {"en-US": f"Course {i}"},
                "ceterms:occupationType": [{"ceterms:targetNodeDescription": {"en-US": padding}}],
            }
            f.write(("," if i else "") + json.dumps(node))
        f.write("]}")
    assert path.stat().st_size > 60_000_000
    name, count, growth = peak_growth_mb(path)
    assert (name, count) == ("ctdl", 6000)
    assert growth < 40, f"reading allocated {growth:.0f} MB at its peak"


def test_large_csv_is_streamed(tmp_path: Path) -> None:
    """A 50 MB CSV whose bulk is in an ignored column is read row by row (about 12 MB at the peak)."""
    path = tmp_path / "big.csv"
    notes = "n" * 10_000
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "name", "provider", "teaches", "notes"])
        for i in range(5000):
            writer.writerow([f"c{i}", f"Course {i}", "Provider", "SQL;Python", notes])
    assert path.stat().st_size > 50_000_000
    name, count, growth = peak_growth_mb(path)
    assert (name, count) == ("csv", 5000)
    assert growth < 30, f"reading allocated {growth:.0f} MB at its peak"
