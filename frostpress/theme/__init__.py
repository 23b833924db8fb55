"""The default theme: templates and static files that a site's own override or extend."""

from __future__ import annotations

from pathlib import Path

#: The theme's folder: ``templates/`` and ``static/`` inside it.
THEME_DIR = Path(__file__).parent
