"""docs/CI.md's GitHub Actions workflow and GitLab CI job are real YAML that build a course with the cache kept."""

from __future__ import annotations

import re

import yaml

from tests.conftest import REPO

CI_DOC = REPO / "docs" / "CI.md"


def recipe(after: str) -> dict:
    """The YAML block that follows the line naming its file (``after``), parsed."""
    text = CI_DOC.read_text()
    found = re.search(re.escape(after) + r".*?```yaml\n(.*?)```", text, re.S)
    assert found, f"docs/CI.md has no YAML block after {after!r}"
    return yaml.safe_load(found.group(1))


def test_the_github_workflow_restores_and_saves_the_cache_and_builds_the_course():
    workflow = recipe("`.github/workflows/lectures.yml`:")
    assert workflow["name"] == "lectures"
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"push", "pull_request", "workflow_dispatch"}
    cache_dir = workflow["env"]["LECTUREGEN_CACHE_DIR"]
    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses.index("actions/checkout") < uses.index("actions/cache") < uses.index("actions/upload-artifact")
    cache = steps[uses.index("actions/cache")]["with"]
    assert cache["path"] == "${{ env.LECTUREGEN_CACHE_DIR }}" and cache_dir.endswith(".lecturegen-cache")
    assert cache["key"].startswith("lecturegen-") and cache["restore-keys"].strip() == "lecturegen-${{ runner.os }}-"
    runs = [step["run"] for step in steps if "run" in step]
    build = next(command for command in runs if command.startswith("lecturegen build"))
    assert uses.index("actions/cache") < [step.get("run", "") for step in steps].index(build)
    assert build.split()[:3] == ["lecturegen", "build", "course/course.yaml"] and "--jobs 2" in build
    assert any("torch==2.13.0 --index-url" in command for command in runs)
    assert steps[uses.index("actions/upload-artifact")]["with"]["path"] == "site/"


def test_the_gitlab_job_keeps_the_cache_and_the_site():
    pipeline = recipe("`.gitlab-ci.yml`:")
    job = pipeline["lectures"]
    assert job["stage"] in pipeline["stages"]
    assert job["variables"]["LECTUREGEN_CACHE_DIR"] == "$CI_PROJECT_DIR/.lecturegen-cache"
    assert ".lecturegen-cache/" in job["cache"]["paths"]
    assert job["cache"]["key"].startswith("lecturegen-") and job["cache"]["fallback_keys"]
    build = next(command for command in job["script"] if command.startswith("lecturegen build"))
    assert build.split()[:5] == ["lecturegen", "build", "course/course.yaml", "-o", "public"]
    assert job["artifacts"]["paths"] == ["public/"]
