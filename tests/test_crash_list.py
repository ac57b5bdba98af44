"""Inputs that once passed `validate` and then crashed the build with an unlocated "internal error".

Each is now a located problem that `validate` reports before anything trains (exit 2), or, where the
trouble is in the environment, a clear message. None ends in "internal error".
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from generator.cli import main
from tests.conftest import FIXTURES, MINIMAL, REPO

LECTURE = """\
lecture:
  title: {title}
  date: {date}
demos:
  act:
    kind: activations
    seed: {seed}
    params: {{x_min: {x_min}}}
sections:
  - title: S
    slides:
      - title: T
        bullets:
          - {bullet}
"""
FINE = {"title": "Probe", "date": "2024-01-01", "seed": 0, "x_min": -6.0, "bullet": "plain"}


def write(folder: Path, **changes) -> Path:
    path = folder / "lecture.yaml"
    path.write_text(LECTURE.format(**{**FINE, **changes}), encoding="utf-8")
    return path


def validate(path: Path):
    return CliRunner().invoke(main, ["validate", str(path)])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "2108-01-01"}, "lecture.yaml:3:9: lecture.date: the date must be in 2107 or before: the files are "
                                 "stamped with it, and a zip file (a .pptx is one) records no later year"),
        ({"seed": 2**32}, "lecture.yaml:7:11: demos.act.seed: input should be less than 4294967296, got a number "
                          "(4294967296)"),
        ({"x_min": ".nan"}, "lecture.yaml:8:21: demos.act.params.x_min: expected a finite number, got nan"),
        ({"title": '"Probe \\uFFFE"'}, "lecture.yaml:2:10: lecture.title: the text holds U+FFFE, a character "
                                       "PowerPoint and HTML files cannot hold; remove it"),
        ({"bullet": '"$\\frac{1}{2}$"'}, "lecture.yaml:14:13: sections[0].slides[0].bullets[0]: the text holds U+000C, "
                                         "a character PowerPoint and HTML files cannot hold; remove it (inside double "
                                         "quotes, YAML reads \\f as this character: put text with TeX commands in "
                                         "single quotes)"),
        ({"bullet": "'$" + "\\frac{1}{" * 200 + "2" + "}" * 200 + "$'"},
         "lecture.yaml:14:13: sections[0].slides[0].bullets[0]: the formula $\\frac{1}{\\frac{1}{\\frac{1}{\\fr...$ "
         "nests 200 groups deep, more than 20; split it into simpler formulas"),
    ],
    ids=["date-2108", "seed-2**32", "x_min-nan", "U+FFFE", "backslash-f", "200-fractions"],
)
def test_validate_locates_what_used_to_crash_the_build(tmp_path, changes, message):
    result = validate(write(tmp_path, **changes))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "internal error" not in result.stderr


def test_a_profile_with_an_infinite_parameter_is_located(tmp_path):
    path = write(tmp_path)
    path.write_text(path.read_text() + "profiles:\n  quick:\n    act: {x_max: .inf}\n")
    result = validate(path)
    assert result.exit_code == 2
    assert "lecture.yaml:17:18: profiles.quick.act.x_max: expected a finite number, got inf" in result.stderr


def _png_with_half_its_pixels(path: Path) -> None:
    """A PNG whose chunk checksums are all right but whose image data stops halfway."""
    buffer = path.with_suffix(".full.png")
    Image.new("RGB", (100, 100), (255, 0, 0)).save(buffer)
    data, position, out = buffer.read_bytes(), 8, buffer.read_bytes()[:8]
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        body = body[: len(body) // 2] if kind == b"IDAT" else body
        out += struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        position += 12 + length
    path.write_bytes(out)


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("bomb.png", lambda path: Image.new("1", (30000, 30000)).save(path, optimize=True),
         "has more than 40 million pixels (a picture may have at most that): scale it down"),
        ("bomb.gif", lambda path: path.write_bytes(b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x00\x00\x00,\x00\x00\x00\x00"
                                       + struct.pack("<HH", 1, 1) + b"\x00\x02\x02D\x01\x00;"),
         "has more than 40 million pixels (a picture may have at most that): scale it down"),
        ("large.png", lambda path: Image.new("L", (10000, 5000)).save(path),
         "is 10,000 x 5,000 pixels; a picture may have at most 40 million pixels: scale it down"),
        ("truncated.png", _png_with_half_its_pixels,
         "cannot be read as a picture (image file is truncated (0 bytes not processed)); save it again from an image editor"),
    ],
    ids=["30000x30000-png", "65535x65535-gif", "50-megapixels", "truncated-png"],
)
def test_pictures_that_cannot_be_decoded_within_limits_are_located(tmp_path, name, make, message):
    picture = tmp_path / name
    make(picture)
    path = write(tmp_path)
    path.write_text(path.read_text().replace("        bullets:\n          - plain\n",
                                             f"        image: {picture.name}\n        alt: a picture\n"))
    result = validate(path)
    assert result.exit_code == 2, result.output
    assert f"sections[0].slides[0].image: '{picture.name}' {message}" in result.stderr


def _template_with(tmp_path: Path, part_name: str, change) -> Path:
    source = FIXTURES / "templates" / "libreoffice.pptx"
    target = tmp_path / f"template-{part_name.replace('/', '-')}.pptx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = old.read(entry.filename)
            new.writestr(entry, change(data) if entry.filename == part_name else data)
    return target


def _with_template(tmp_path: Path, template: Path) -> Path:
    path = write(tmp_path)
    path.write_text(path.read_text().replace("demos:", f"theme:\n  pptx_template: {template.name}\ndemos:", 1))
    return path


@pytest.mark.parametrize("part", ["ppt/theme/theme1.xml", "ppt/slideLayouts/slideLayout1.xml"])
def test_a_template_declaring_a_doctype_is_refused_without_reading_anything(tmp_path, part):
    doctype = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    template = _template_with(tmp_path, part, lambda data: data.replace(b"?>", b"?>" + doctype, 1))
    result = validate(_with_template(tmp_path, template))
    assert result.exit_code == 2
    assert (f"theme.pptx_template: '{template.name}' cannot be used as a template: its part {part} declares a "
            "DOCTYPE, which Office files never do") in result.stderr


def test_a_template_that_inflates_like_a_zip_bomb_is_refused_before_inflating(tmp_path):
    template = _template_with(tmp_path, "ppt/media/padding.bin", lambda data: data)
    with zipfile.ZipFile(template, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ppt/media/padding.bin", b"\0" * 300_000_000)
    result = validate(_with_template(tmp_path, template))
    assert result.exit_code == 2
    assert "cannot be used as a template: it unpacks to 3" in result.stderr


@pytest.mark.slow
def test_font_names_that_look_like_options_are_fonts(tmp_path):
    """theme.font '-s' and a template whose theme font is '--help' were read by fc-match as its options."""
    template = _template_with(tmp_path, "ppt/theme/theme1.xml",
                              lambda data: data.replace(b'<a:minorFont><a:latin typeface="', b'<a:minorFont><a:latin typeface="--help'))
    path = _with_template(tmp_path, template)
    path.write_text(path.read_text().replace("theme:\n", 'theme:\n  font: "-s"\n', 1))
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "out"), "--format", "pptx",
                                       "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "the font '-s' is not installed here" in result.stderr


def test_source_date_epoch_past_2107_is_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(2**32 + 10**9))
    result = CliRunner().invoke(main, ["build", str(MINIMAL), "-o", str(tmp_path), "--format", "pptx", "--device", "cpu"])
    assert result.exit_code == 1
    assert "SOURCE_DATE_EPOCH 5294967296 falls after 2107, the last year a zip file (a .pptx is one) can record" in result.stderr
    assert "internal error" not in result.stderr


def test_a_content_file_that_is_a_device_is_refused_without_reading_it(tmp_path):
    link = tmp_path / "endless.yaml"
    link.symlink_to("/dev/zero")
    result = validate(link)
    assert result.exit_code == 2
    assert "endless.yaml: this is not a regular file; name the lecture's .yaml file" in result.stderr


def test_a_cache_entry_damaged_behind_its_hashes_is_recomputed(tmp_path, fresh_cache):
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["build", str(MINIMAL), "-o", str(out), "--format", "html"]).exit_code == 0

    for index in fresh_cache.glob("results/*/*/index.json"):
        entry = json.loads(index.read_text())
        broken = b"{not json"
        (index.parent / "values.json").write_bytes(broken)
        entry["files"]["values.json"] = hashlib.sha256(broken).hexdigest()
        index.write_text(json.dumps(entry, sort_keys=True))
    result = CliRunner().invoke(main, ["build", str(MINIMAL), "-o", str(out), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "running on" in result.stderr + result.output


def test_a_reader_that_stops_early_ends_the_listing_quietly():
    process = subprocess.Popen([sys.executable, "-m", "generator", "demos"], cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    _, stderr = process.communicate(timeout=60)
    assert b"internal error" not in stderr and b"Traceback" not in stderr


def test_validate_v_shows_the_traceback_its_message_promises(tmp_path, monkeypatch):
    import generator.content.loader

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(generator.content.loader, "load_lecture", broken)
    quiet = CliRunner().invoke(main, ["validate", str(MINIMAL)])
    assert quiet.exit_code == 1 and "internal error: RuntimeError: a bug (run with -v for the traceback)" in quiet.stderr
    loud = CliRunner().invoke(main, ["validate", "-v", str(MINIMAL)])
    assert isinstance(loud.exception, RuntimeError)  # raised: Python prints the traceback



def test_a_figure_label_with_broken_math_is_text_not_a_crash(tmp_path):
    content = tmp_path / "minimal.yaml"
    content.write_text(MINIMAL.read_text().replace("theme:\n", "theme:\n  labels:\n    figure: 'Fig. $x^{$ {number}'\n", 1))
    (tmp_path / "neuron.png").write_bytes((MINIMAL.parent / "neuron.png").read_bytes())
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(tmp_path / "out"), "--format", "pptx,html",
                                       "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "Fig. $x^{$ 1" in (tmp_path / "out" / "minimal" / "slides.html").read_text()
