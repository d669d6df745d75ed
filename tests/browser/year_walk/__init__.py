"""The year walk (issue 17): one key area's year, role by role, only through rendered pages.

`test_year_walk.py` sets up what exists before a year starts (the catalogue and the accounts
the demo has) and calls each role's steps in the order the year runs them. Each module here is
one role: its functions start from that role's landing page after signing in (or, for the
public, from the home page) and move only by links, buttons and the forms a person sees.
docs/year-walk.md is the same walk for a person with the demo accounts.
"""
