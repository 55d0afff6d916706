#!/usr/bin/env python3
"""Fills fuzz/corpus/TARGET/ with seed inputs for every fuzz target.

Run from anywhere: `python3 fuzz/make_seeds.py`. It copies real files from tests/fixtures/
(transcripts, codebooks, bad input) and the bundled corpus, and builds small REFI-QDA seeds:
the project of tests/refi.rs (SMALL_QDE, copied below) as .qde and as .qdpx archives, a small
.qdc codebook with icamo's [icamo] blocks and codebook set, and the ATLAS.ti 8.4 test project
from tests/fixtures/refi-qda/. For transcript_docx_xml and qdpx_qde, whose inputs are the parts
of an archive joined by NUL bytes, it unpacks the .docx fixtures and joins the small project's
.qde and source text. Existing corpus files are kept (the fuzzer's finds stay).
"""

import re
import shutil
import sys
import zipfile
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
FIX = ROOT / "tests" / "fixtures"
ATLAS = [
    FIX / "refi-qda" / "atlasti-8.4-testproject.qdpx",
]

# The small project of tests/refi.rs, read from there.
def refi_test_constants():
    text = (ROOT / "tests" / "refi.rs").read_text(encoding="utf-8")
    qde = re.search(r'const SMALL_QDE: &str = r#"(.*?)"#;', text, re.S).group(1)
    source = re.search(r'const SMALL_TEXT: &str = "(.*?)";', text, re.S).group(1)
    return qde, source.replace("\\r", "\r").replace("\\n", "\n")


SMALL_QDE, SMALL_TEXT = refi_test_constants()
SOURCE = "44444444-4444-4444-8444-444444444444.txt"

# A small codebook as icamo writes it: [icamo] blocks in descriptions, a codebook set.
SMALL_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="icamo 0.1.0">
  <Codes>
    <Code guid="a1000000-0000-4000-8000-000000000001" name="Interventies" isCodable="false">
      <Description>[icamo]
id = "int"
kind = "intervention"</Description>
      <Code guid="a1000000-0000-4000-8000-000000000002" name="PIP" isCodable="true" color="#ff8800">
        <Description>Het persoonlijk plan inburgering en participatie.

[icamo]
id = "int.pip"
kind = "intervention"
weight = 1.5

[icamo.rules]
keywords = ["=PIP"]
regex = ['\\bpip(?:s)?\\b']</Description>
      </Code>
    </Code>
    <Code guid="a1000000-0000-4000-8000-000000000003" name="Mechanismen::Vertrouwen" isCodable="true">
      <Description>[icamo]
id = "m.vertrouwen"
kind = "mechanism"
process = "vertrouwen groeit"
subgoal = "samenwerken"</Description>
    </Code>
    <Code guid="a1000000-0000-4000-8000-000000000004" name="Context &amp; wet" isCodable="true">
      <Description>[icamo]
id = "ctx.wet"
kind = "context"
level = "institutioneel"</Description>
    </Code>
  </Codes>
  <Sets>
    <Set guid="b1000000-0000-4000-8000-000000000001" name="icamo codebook: proef">
      <Description>The header of this icamo codebook.

[icamo]
[icamo.codebook]
name = "proef"
language = "nl"

[[icamo.synonyms]]
terms = ["PIP", "plan"]

[[icamo.configurations]]
id = "c1"
title = "Een"
interventions = ["int.pip"]
outcome = "ctx.wet"

[[icamo.configurations.mechanisms]]
code = "m.vertrouwen"</Description>
      <MemberCode guid="a1000000-0000-4000-8000-000000000002"/>
      <MemberCode guid="a1000000-0000-4000-8000-000000000003"/>
    </Set>
  </Sets>
</CodeBook>
"""


def small_qde(inclusive: bool) -> str:
    quote = "op mijn werk leer ik de meeste woorden"
    start = SMALL_TEXT.find(quote)
    end = start + len(quote) - int(inclusive)
    return SMALL_QDE.replace("START", str(start)).replace("END", str(end))


def archive(path: Path, entries: list[tuple[str, str | bytes]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, body)


def copy(target: str, files) -> None:
    out = FUZZ / "corpus" / target
    out.mkdir(parents=True, exist_ok=True)
    for f in files:
        f = Path(f)
        if f.is_file():
            shutil.copyfile(f, out / f"{f.parent.name}-{f.name}")


def glob(*patterns: str):
    for p in patterns:
        yield from sorted(ROOT.glob(p))


def main() -> int:
    small = lambda ext: [p for p in glob(f"corpus/*.{ext}") if p.stat().st_size < 20_000]
    copy(
        "transcript_text",
        [*glob("tests/fixtures/transcripts/*.txt", "tests/fixtures/bad-input/txt/*",
               "tests/fixtures/bad/*.txt"), *small("txt")],
    )
    copy(
        "transcript_markdown",
        [*glob("tests/fixtures/transcripts/*.md", "tests/fixtures/bad-input/md/*"), *small("md")],
    )
    copy(
        "transcript_vtt",
        [*glob("tests/fixtures/transcripts/*.vtt", "tests/fixtures/bad-input/vtt/*",
               "tests/fixtures/bad/*.vtt")],
    )
    copy(
        "transcript_srt",
        [*glob("tests/fixtures/transcripts/*.srt", "tests/fixtures/bad-input/srt/*")],
    )
    copy(
        "transcript_docx",
        [*glob("tests/fixtures/transcripts/*.docx", "tests/fixtures/bad-input/docx/*",
               "tests/fixtures/bad/*.docx")],
    )
    copy(
        "codebook",
        [*glob("tests/fixtures/codebooks/*.toml", "tests/fixtures/bad-input/codebook/*")],
    )

    refi = FUZZ / "corpus" / "refi_xml"
    refi.mkdir(parents=True, exist_ok=True)
    (refi / "small.qde").write_text(small_qde(False), encoding="utf-8")
    (refi / "small.qdc").write_text(SMALL_QDC, encoding="utf-8")
    qdpx = FUZZ / "corpus" / "qdpx"
    qdpx.mkdir(parents=True, exist_ok=True)
    archive(qdpx / "small.qdpx", [("project.qde", small_qde(False)), (f"sources/{SOURCE}", SMALL_TEXT)])
    archive(qdpx / "small-inclusive.qdpx", [("Klein.qde", small_qde(True)), (f"Sources/{SOURCE}", SMALL_TEXT)])
    archive(qdpx / "no-source.qdpx", [("project.qde", small_qde(False))])
    atlas = next((a for a in ATLAS if a.is_file()), None)
    if atlas is None:
        print("note: the ATLAS.ti test project was not found; seeds made without it", file=sys.stderr)
    else:
        shutil.copyfile(atlas, qdpx / atlas.name)
        with zipfile.ZipFile(atlas) as z:
            (refi / "atlasti-project.qde").write_bytes(z.read("Project.qde"))
    # The structure-aware targets: parts joined by NUL bytes.
    docx_xml = FUZZ / "corpus" / "transcript_docx_xml"
    docx_xml.mkdir(parents=True, exist_ok=True)
    for f in glob("tests/fixtures/transcripts/*.docx", "tests/fixtures/bad-input/docx/*",
                  "corpus/*.docx"):
        try:
            with zipfile.ZipFile(f) as z:
                names = set(z.namelist())
                parts = [z.read(n) if n in names else b""
                         for n in ("word/document.xml", "word/styles.xml", "_rels/.rels")]
        except Exception:
            continue
        # Word's styles part is large; a seed keeps it only when it is small.
        parts[1] = parts[1] if len(parts[1]) < 20_000 else b""
        if parts[0] and len(parts[0]) < 60_000:
            (docx_xml / f"{f.parent.name}-{f.stem}.xml").write_bytes(b"\0".join(parts))
    qde = FUZZ / "corpus" / "qdpx_qde"
    qde.mkdir(parents=True, exist_ok=True)
    text = SMALL_TEXT.encode("utf-8")
    (qde / "small.bin").write_bytes(small_qde(False).encode("utf-8") + b"\0" + text)
    (qde / "small-inclusive.bin").write_bytes(small_qde(True).encode("utf-8") + b"\0" + text)
    (qde / "small-no-source.qde").write_text(small_qde(False), encoding="utf-8")
    if atlas is not None:
        with zipfile.ZipFile(atlas) as z:
            (qde / "atlasti-project.qde").write_bytes(z.read("Project.qde"))

    for target in sorted((FUZZ / "corpus").iterdir()):
        print(f"{target.name}: {len(list(target.iterdir()))} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
