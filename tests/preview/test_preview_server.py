"""`lecturegen preview` as a server: what it serves, what it refuses, what it writes, and how it stops.

A real preview process on a free port (conftest.py); requests are raw HTTP, so a path goes out
exactly as a hostile client would send it.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest

from generator.preview.pages import RenderedSlides, changed_slides, client_script, script_hash, served
from generator.preview import STOPPED
from tests.preview.conftest import copy_minimal

CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
MARKERS = ("/__preview/events", "data-page=", "lecturegen preview: keeps")  # what only the served pages hold


def directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.replace("&#39;", "'").split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def test_the_deck_is_served_and_the_root_leads_to_it(shared_preview):
    status, headers, body = shared_preview.request("GET", "/slides.html")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    page = body.decode()
    for title in ("A minimal lecture", "Inline markup in nested bullets", "A quote", "Thank you"):
        assert title in page
    status, headers, _ = shared_preview.request("GET", "/")
    assert (status, headers["location"]) == (302, "/slides.html")
    status, _, body = shared_preview.request("GET", "/report.html")
    assert status == 200 and b"Inline markup in nested bullets" in body


def test_the_page_has_the_built_files_policy_plus_only_the_reload_channel(shared_preview, tmp_path):
    from generator.build import BuildOptions, build

    built = build(BuildOptions(content=shared_preview.content, output_dir=tmp_path / "built", formats=("html",),
                               profile="quick", device="cpu"))
    built_policy = directives(CSP_META.search((built.lecture_dir / "slides.html").read_text()).group(1))
    status, headers, body = shared_preview.request("GET", "/slides.html")
    header = directives(headers["content-security-policy"])
    meta = directives(CSP_META.search(body.decode()).group(1))
    assert header == meta  # the same policy in the header and in the page
    own = script_hash(client_script())
    assert header.pop("connect-src") == ["'self'"]
    assert header["script-src"] == [*built_policy["script-src"], own]
    header["script-src"] = built_policy["script-src"]
    assert header == built_policy  # nothing else differs
    # The report too.
    _, headers, _ = shared_preview.request("GET", "/report.html")
    assert "connect-src 'self'" in headers["content-security-policy"]


@pytest.mark.parametrize("path", [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/..%2f..%2f..%2fetc/passwd",
    "//etc/passwd",
    "/etc/passwd",
    "http://127.0.0.1/../../etc/passwd",
    "/minimal.yaml",
    "/neuron.png",
    "/lecture/minimal.yaml",
    "/slides.html/../minimal.yaml",
    "/figures/act-functions.svg",
    "/out/minimal/slides.html",
    "/link-to-passwd",
    "/link-to-lecture/minimal.yaml",
    "/__preview/",
    "/__preview/pptx",
])
def test_nothing_but_the_previews_own_pages_is_served(shared_preview, path):
    folder = shared_preview.content.parent
    for name, target in (("link-to-passwd", Path("/etc/passwd")), ("link-to-lecture", folder)):
        if not (folder / name).is_symlink():
            os.symlink(target, folder / name)
    status, _, body = shared_preview.request("GET", path)
    assert status == 404, (path, body[:200])
    assert b"root:" not in body and b"lecture:" not in body


def test_a_request_for_another_host_is_refused(shared_preview):
    # A web page that points its own name at 127.0.0.1 (DNS rebinding) sends its own name as Host.
    status, _, body = shared_preview.request("GET", "/slides.html", {"Host": f"evil.example:{shared_preview.port}"})
    assert status == 403 and b"<html" not in body
    status, _, _ = shared_preview.request("GET", "/slides.html", {"Host": f"localhost:{shared_preview.port}"})
    assert status == 200


def test_the_write_link_writes_a_valid_pptx_atomically_as_build_does(shared_preview):
    status, _, body = shared_preview.request("POST", "/__preview/pptx", {"X-Lecturegen-Preview": "write"})
    assert status == 200, body
    answer = json.loads(body)
    lecture_dir = shared_preview.output / "minimal"
    assert answer["ok"] and str(lecture_dir) in answer["message"] and "slides.pptx" in answer["message"]
    data = (lecture_dir / "slides.pptx").read_bytes()
    from pptx import Presentation

    presentation = Presentation(io.BytesIO(data))
    titles = [shape.text_frame.text for slide in presentation.slides for shape in slide.shapes
              if shape.has_text_frame and shape.is_placeholder and shape.placeholder_format.type in (1, 3)]
    assert "Inline markup in nested bullets" in titles
    manifest = json.loads((lecture_dir / "manifest.json").read_text())
    assert "slides.pptx" in {entry["path"] for entry in manifest["outputs"]}
    assert manifest["formats"] == ["pptx"]
    assert not list(shared_preview.output.glob(".minimal.staging*"))  # no staging folder left behind (the lock stays)
    assert any("wrote slides.pptx" in line for line in shared_preview.lines)


@pytest.mark.parametrize("headers", [{}, {"X-Lecturegen-Preview": "write", "Origin": "https://evil.example"}])
def test_writing_needs_the_previews_own_page(shared_preview, headers):
    # A form or an image on another site can send neither the header nor this origin.
    status, _, _ = shared_preview.request("POST", "/__preview/pptx", headers)
    assert status == 403


def test_the_event_stream_starts_with_the_state(shared_preview):
    import http.client

    connection = http.client.HTTPConnection(shared_preview.host, shared_preview.port, timeout=10)
    connection.request("GET", "/__preview/events")
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")
    lines = [response.fp.readline().decode().strip() for _ in range(5)]
    connection.close()
    assert "event: state" in lines
    state = json.loads(next(line for line in lines if line.startswith("data:"))[5:])
    assert state["version"] and state["problems"] == []


def test_files_written_to_disk_have_no_reload_script(start_preview, tmp_path):
    preview = start_preview(None, "--format", "html,report,pptx")
    preview.wait_for_line(r"^wrote .*slides\.html")
    lecture_dir = preview.output / "minimal"
    for name in ("slides.html", "report.html"):
        text = (lecture_dir / name).read_text()
        assert not [marker for marker in MARKERS if marker in text], name
    assert client_script()[:200] not in (lecture_dir / "slides.html").read_text()
    with zipfile.ZipFile(lecture_dir / "slides.pptx") as archive:
        assert not any(marker.encode() in archive.read(name) for name in archive.namelist() for marker in MARKERS)
    # What is on disk is what build writes, byte for byte.
    from generator.build import BuildOptions, build

    built = build(BuildOptions(content=preview.content, output_dir=tmp_path / "built", formats=("html",),
                               profile="quick", device="cpu"))
    assert (built.lecture_dir / "slides.html").read_bytes() == (lecture_dir / "slides.html").read_bytes()
    # ... while the served page carries the script.
    _, _, body = preview.request("GET", "/slides.html")
    assert all(marker.encode() in body for marker in MARKERS)


def test_a_formats_rebuild_follows_each_change(start_preview):
    preview = start_preview(None, "--format", "html")
    preview.wait_for_line(r"^wrote slides\.html")
    seen = len(preview.lines)
    preview.content.write_text(preview.content.read_text().replace("A quote", "A quotation"))
    preview.wait_for_line(r"^wrote slides\.html", after=seen, timeout=60)
    assert "A quotation" in (preview.output / "minimal" / "slides.html").read_text()


def test_ctrl_c_stops_cleanly_with_one_line(start_preview):
    preview = start_preview()
    before = len(preview.lines)
    assert preview.interrupt() == 0
    after = preview.lines[before:]
    assert after == [STOPPED]
    assert not any("Traceback" in line or "Exception" in line for line in preview.lines)


def test_a_missing_file_or_a_taken_port_is_a_usage_error(tmp_path, shared_preview):
    import subprocess
    import sys

    from tests.conftest import REPO

    missing = subprocess.run([sys.executable, "-m", "generator", "preview", str(tmp_path / "nope.yaml"), "--port", "0"],
                             cwd=REPO, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 2 and "nope.yaml: no such file" in missing.stderr and "Traceback" not in missing.stderr
    content = copy_minimal(tmp_path / "lecture")
    taken = subprocess.run([sys.executable, "-m", "generator", "preview", str(content),
                            "--port", str(shared_preview.port)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert taken.returncode == 2 and "choose another --port" in taken.stderr and "Traceback" not in taken.stderr


def test_another_host_is_served_only_when_asked_with_a_warning(start_preview):
    preview = start_preview(None, "--host", "0.0.0.0")
    assert any(line.startswith("warning: serving on 0.0.0.0") for line in preview.lines)
    status, _, _ = preview.request("GET", "/slides.html", {"Host": f"lecture-hall.example:{preview.port}"})
    assert status == 200


# -- the pages, without a server ------------------------------------------------------------------------


def test_only_changed_slides_are_sent_when_the_page_around_them_is_the_same():
    old = RenderedSlides("<p>a</p>x<p>b</p>", ("<p>a</p>", "<p>b</p>"), ("", "x", ""))
    same_frame = RenderedSlides("<p>a</p>x<p>B</p>", ("<p>a</p>", "<p>B</p>"), ("", "x", ""))
    new_frame = RenderedSlides("<p>a</p>y<p>b</p>", ("<p>a</p>", "<p>b</p>"), ("", "y", ""))
    assert changed_slides(old, same_frame) == {1: "<p>B</p>"}
    assert changed_slides(old, new_frame) is None  # the counter, a style, a slide more: load the page again
    assert changed_slides(None, old) is None
    assert changed_slides(old, RenderedSlides("...", None, None)) is None


def test_the_served_page_gets_the_script_and_the_widened_policy_and_nothing_else():
    page = ('<html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; '
            'script-src &#39;sha256-abc&#39;"></head><body><p>x</p></body></html>')
    sent = served(page, "slides", "v1")
    body = sent.body.decode()
    own = script_hash(client_script())
    assert sent.policy == f"default-src 'none'; script-src 'sha256-abc' {own}; connect-src 'self'"
    assert body.count("<script") == 1 and body.index("<script") > body.index("<p>x</p>")
    assert body.replace(re.search(r"<script.*</script>\n", body, re.DOTALL).group(0), "") == page.replace(
        CSP_META.search(page).group(1), CSP_META.search(body).group(1))
    # A page without a policy (a template folder that leaves it out) gets none from the preview either.
    assert served("<html><body></body></html>", "slides", "v1").policy is None


def wait_for_page(preview, needle: bytes, timeout: float = 60) -> bytes:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, _, body = preview.request("GET", "/slides.html")
        if needle in body:
            return body
        time.sleep(0.1)
    raise AssertionError(f"{needle!r} never appeared; the preview printed:\n" + "\n".join(preview.lines))


def test_a_changed_picture_and_a_changed_template_folder_are_picked_up(start_preview, tmp_path):
    import base64

    from PIL import Image

    templates = tmp_path / "templates"
    (templates / "static").mkdir(parents=True)
    from generator.locations import templates_dir

    css = (templates_dir() / "html" / "static" / "slides.css").read_text()
    (templates / "static" / "slides.css").write_text(css + "\n/* first look */\n")
    preview = start_preview(None, "--templates", str(templates))
    wait_for_page(preview, b"/* first look */")
    (templates / "static" / "slides.css").write_text(css + "\n/* second look */\n")
    wait_for_page(preview, b"/* second look */")
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), "#D55E00").save(picture, format="PNG")
    (preview.content.parent / "neuron.png").write_bytes(picture.getvalue())
    wait_for_page(preview, base64.b64encode(picture.getvalue())[:200])


def test_content_broken_from_the_start_is_shown_and_the_deck_comes_once_fixed(tmp_path, tmp_path_factory):
    from tests.preview.conftest import Preview, shared_cache_dir

    content = copy_minimal(tmp_path / "lecture")
    good = content.read_text()
    content.write_text(good.replace("kind: activations", "kind: activationz"))
    preview = Preview(content, tmp_path / "out", shared_cache_dir(tmp_path_factory))
    try:
        preview.wait_for_line(r"demos\.act\.kind: ")
        status, _, body = preview.request("GET", "/slides.html")
        assert status == 200 and b"Preparing the slides" in body and b'data-page="waiting"' in body
        content.write_text(good)
        preview.wait_until_built()
        wait_for_page(preview, b"Inline markup in nested bullets")
        assert preview.interrupt() == 0
    finally:
        preview.close()


def test_a_course_file_previews_one_of_its_lectures_with_the_courses_theme_and_assets(start_preview, tmp_path):
    # The course of tests/course: lecture one names a picture in the shared assets folder, which it could not
    # alone, and takes the course's accent; the course file is watched as well.
    from click.testing import CliRunner

    from generator.cli import main
    from tests.course.conftest import write_course

    course = write_course(tmp_path / "course")
    preview = start_preview(course)
    lecture = (course.parent / "one" / "lecture.yaml").resolve()
    assert any(line.startswith(f"previewing {lecture}, a lecture of {course}, at http") for line in preview.lines)
    status, _, page = preview.request("GET", "/slides.html")
    assert status == 200 and b"<title>Activations" in page and b"A drawing of a neuron" in page
    assert b"--accent: #D55E00" in page
    start = len(preview.lines)
    course.write_text(course.read_text().replace('accent: "#D55E00"', 'accent: "#0072B2"'))
    preview.wait_for_line(r"^updated in ", after=start)
    _, _, page = preview.request("GET", "/slides.html")
    assert b"--accent: #0072B2" in page
    preview.close()
    second = start_preview(course, "--lecture", "two/lecture.yaml")
    _, _, page = second.request("GET", "/slides.html")
    assert b"<title>Functions" in page
    second.close()
    wrong = CliRunner().invoke(main, ["preview", str(course), "--lecture", "three.yaml"])
    assert wrong.exit_code == 2 and "it lists: one/lecture.yaml, two/lecture.yaml" in wrong.output
