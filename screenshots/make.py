"""Regenerate screenshots/*.svg from the demo: `python screenshots/make.py`.

Uses the same scenes as the snapshot tests (tests/scenes.py), in throwaway user dirs.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.scenes import SCENES  # noqa: E402

SHOWN = [
    ("picker", (80, 24)),
    ("browser-list", (80, 24)),
    ("browser-directory", (120, 40)),
    ("browser-hostile", (120, 40)),
    ("browser-million-end", (120, 40)),
    ("browser-error", (80, 24)),
    ("profile-first-run", (80, 24)),
    ("help", (80, 24)),
    ("campaign-outcomes", (120, 40)),
    ("contact-campaigns", (120, 40)),
    ("insights", (120, 40)),
    ("insights-partial", (80, 24)),
    # The smallest size the app is made for.
    ("picker", (60, 20)),
    ("browser-list", (60, 20)),
    ("help", (60, 20)),
    ("export-estimate", (60, 20)),
]


async def shoot(name: str, size: tuple[int, int]) -> Path:
    scene = next(s for s in SCENES if s.name == name)
    out = HERE / f"{name}-{size[0]}x{size[1]}.svg"
    with scene.prepared():
        app = scene.make_app()
        async with app.run_test(size=size) as pilot:
            await scene.steps(pilot)
            out.write_text(app.export_screenshot(), encoding="utf-8")
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
            os.environ[var] = str(Path(tmp) / var.lower())
        for key in [k for k in os.environ if k.startswith("KORE_")]:
            del os.environ[key]
        for n, (name, size) in enumerate(SHOWN):
            # A cache of its own per shot: what one scene fetched must not show in the next.
            os.environ["XDG_CACHE_HOME"] = str(Path(tmp) / f"xdg_cache_home-{n}")
            print(asyncio.run(shoot(name, size)).relative_to(HERE.parent))


if __name__ == "__main__":
    main()
