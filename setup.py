"""Build hook: the wheel carries the top-level ``resources/`` folder as ``dalle_studio/_resources``.

All metadata lives in pyproject.toml. A source checkout finds ``resources/`` beside the package
(``dalle_studio.core.resources``); an installed build has no such folder beside it, so ``build_py`` copies it
into the package. Screenshots are for the README and the AppStream metainfo, not for the running program,
so they stay out of the wheel (the sdist keeps them: see MANIFEST.in).
"""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RESOURCES = "resources"
PACKAGED_AS = "dalle_studio/_resources"
NOT_SHIPPED = {"screenshots"}  # top-level folders of resources/ the running program never reads


def resource_files(root: Path = ROOT) -> dict[str, Path]:
    """Map each shipped file's path inside the wheel (``dalle_studio/_resources/...``) to its source file."""
    source = root / RESOURCES
    mapping: dict[str, Path] = {}
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or relative.parts[0] in NOT_SHIPPED or "__pycache__" in relative.parts:
            continue
        mapping[f"{PACKAGED_AS}/{relative.as_posix()}"] = path
    return mapping


class BuildWithResources(build_py):
    """``build_py`` that also copies ``resources/`` into the package being built."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs from the checkout, which has resources/ beside the package
        for target, source in resource_files().items():
            destination = Path(self.build_lib) / target
            self.mkpath(str(destination.parent))
            self.copy_file(str(source), str(destination), preserve_mode=False)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not getattr(self, "editable_mode", False):
            outputs += [str(Path(self.build_lib) / target) for target in resource_files()]
        return outputs


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildWithResources})
