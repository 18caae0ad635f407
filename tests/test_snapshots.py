"""Every screen at 60x20, 80x24 and 120x40 on demo data, hostile values and an error state included.

Update with `bash .ci/test tests/test_snapshots.py --snapshot-update`, and look at the SVGs
(tests/__snapshots__/) before committing them.
"""

from __future__ import annotations

import pytest

from tests.scenes import SCENES, Scene

SIZES = [(60, 20), (80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", SCENES, ids=lambda s: s.name)
def test_screen(scene: Scene, size: tuple[int, int], snap_compare) -> None:  # type: ignore[no-untyped-def]
    with scene.prepared():
        assert snap_compare(scene.make_app(), terminal_size=size, run_before=scene.steps)
