"""njp: the Neighbourhood Justice Panels service (web app, domain, storage and CLI)."""

import os

# Piccolo finds its engine through this module; set before any table is imported.
os.environ.setdefault("PICCOLO_CONF", "panels.piccolo_conf")
