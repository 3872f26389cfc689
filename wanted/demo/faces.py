"""The demo's synthetic faces: composites of several people made by scripts/make_demo_faces.py."""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FACES_DIR = Path(__file__).resolve().parent / "faces"
FIELD_DIR = Path(__file__).resolve().parents[2] / "static" / "demo" / "field"


@dataclass(frozen=True)
class DemoFace:
    """One committed demo face, the identities it was made from, and its field photo if any."""

    file: str
    sources: tuple[str, ...]
    field_photo: str | None

    @property
    def path(self) -> Path:
        """Return where the registry portrait lies."""
        return FACES_DIR / self.file

    @property
    def field_path(self) -> Path | None:
        """Return where the field photo lies, if this face has one."""
        return FIELD_DIR / self.field_photo if self.field_photo else None


@cache
def demo_faces() -> tuple[DemoFace, ...]:
    """Return the committed demo faces in the manifest's order."""
    manifest = json.loads((FACES_DIR / "manifest.json").read_text(encoding="utf-8"))
    return tuple(DemoFace(item["file"], tuple(item["sources"]), item.get("field_photo"))
                 for item in manifest["faces"])
