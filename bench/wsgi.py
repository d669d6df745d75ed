"""The WSGI app the HTTP benchmark serves: the portal itself, plus one baseline URL.

`/__bench__/constant/` is a plain Django view returning a constant, behind the same
middleware stack, in the same gunicorn processes: the baseline the pages are compared with.
It exists only in this bench app (the project's URLconf has no such route).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

settings.DEBUG = False
settings.ROOT_URLCONF = "bench.urls"
application = get_wsgi_application()
