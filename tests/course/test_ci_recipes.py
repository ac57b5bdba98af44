"""docs/CI.md shows exactly what `lecturegen init --ci github|gitlab` writes for a repository with a course."""

from __future__ import annotations

import re
import shutil

from click.testing import CliRunner

from generator.cli import main
from tests.conftest import REPO

CI_DOC = REPO / "docs" / "CI.md"


def documented(after: str) -> str:
    """The YAML block that follows the line naming its file (``after``)."""
    found = re.search(re.escape(after) + r".*?```yaml\n(.*?)```", CI_DOC.read_text(), re.S)
    assert found, f"docs/CI.md has no YAML block after {after!r}"
    return found.group(1)


def torch_pin_as_written(text: str) -> str:
    # init pins the torch it runs with; the document shows the one `make` installs.
    return re.sub(r"torch==[0-9][^ ]*", "torch==VERSION", text)


def test_the_documented_recipes_are_what_init_writes(tmp_path):
    shutil.copytree(REPO / "content" / "course", tmp_path / "course")
    for service, file, after in (("github", ".github/workflows/lectures.yml", "`.github/workflows/lectures.yml`:"),
                                 ("gitlab", ".gitlab-ci.yml", "writes `.gitlab-ci.yml`:")):
        result = CliRunner().invoke(main, ["init", str(tmp_path), "--ci", service])
        assert result.exit_code == 0, result.output
        written = (tmp_path / file).read_text()
        assert torch_pin_as_written(documented(after)) == torch_pin_as_written(written), (
            f"docs/CI.md's {file} is not what `lecturegen init --ci {service}` writes; paste it again")
