"""``kore-tui cache info|clear``: the local cache of fetched rows."""

from __future__ import annotations

import argparse
import time

from kore_tui.cli.common import EXIT_OK, Options
from kore_tui.text import clean


def cmd_cache(args: argparse.Namespace, options: Options) -> int:
    from kore_tui.cache import open_cache
    from kore_tui.views.format import age, plural

    cache = open_cache(enabled=True)
    try:
        if args.action == "clear":
            removed = cache.clear(options.profile)
            whose = f" of profile {options.profile!r}" if options.profile else ""
            print(clean(f"removed {removed:,} cached rows{whose} from {cache.path}"))
            return EXIT_OK
        views = cache.info()
        print(f"cache: {clean(str(cache.path))}")
        if not views:
            print("  empty")
        now = time.time()
        for profile, stream, list_id, rows, oldest, _newest in views:
            if options.profile and profile != options.profile:
                continue
            oldest_age = "" if oldest is None else f", oldest fetched {age(now - oldest)}"
            print(f"  {clean(profile)} / {clean(stream)} / {clean(list_id or 'directory')}: "
                  f"{plural(rows, 'row')}{oldest_age}")
    finally:
        cache.close()
    return EXIT_OK
