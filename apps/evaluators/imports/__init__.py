"""Import/export kinds `agencies`, `evaluators`, `schemes`, `assessments` (CONTRACT.md
section 2).

References and per-row rules are SQL checks over the staged rows; a scheme's rules taken
together (weights, core criteria, thresholds, national values) are the one validation service
`apps.evaluators.validation`, and schemes are written through `scheme_save`, the same
service the evaluators' form uses.
"""

# Importing the kinds registers them (`autodiscover_modules("imports")` in apps/core/apps.py
# imports this package).
from apps.evaluators.imports import agencies, assessments, schemes  # noqa: F401
