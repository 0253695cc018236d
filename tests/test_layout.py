"""The README's layout table names every module, so that a reader finds a process by its file."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "socialsim"
NOT_MODULES = {"__init__", "__main__", "_version", "conftest"}


def layout_rows() -> dict[str, str]:
    """The layout table of README.md as {folder: text of its row}."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([^`]+)` \| (.+) \|$", section, flags=re.MULTILINE))


def test_every_module_is_named_in_its_folders_row_of_the_layout_table():
    rows = layout_rows()
    missing = []
    for module in sorted(PACKAGE.rglob("*.py")):
        if module.stem in NOT_MODULES or "templates" in module.parts:
            continue
        folder = module.parent.relative_to(ROOT).as_posix() + "/"
        # a subpackage of a listed folder (brand/policies/) is covered by its parent's row
        row = rows.get(folder) or rows.get(module.parent.parent.relative_to(ROOT).as_posix() + "/")
        named = (f"`{module.stem}`", f"`{module.parent.name}`", f"`{module.parent.name}/`")
        if row is None or not any(name in row for name in named):
            missing.append(module.relative_to(PACKAGE).as_posix())
    assert not missing, f"README.md's layout table does not name: {missing}"
