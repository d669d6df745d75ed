"""`python manage.py compile_rankings --year Y [--scheme CODE]` (CONTRACT.md §3)."""

from django.core.management.base import BaseCommand, CommandError

from apps.leaders import selectors, services


class Command(BaseCommand):
    help = "Compile the rankings of a year's approved schemes (the same service as the Celery job)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--scheme", help="compile only this scheme code")

    def handle(self, *args, year: int, scheme: str | None, **options):
        schemes = selectors.schemes_to_compile(year=year, scheme_code=scheme)
        if scheme and not schemes:
            raise CommandError(f"no approved scheme {scheme} for year {year}")
        # The whole year in one statement and one transaction: all or nothing.
        for item, ranking in zip(schemes, services.rankings_compile(schemes=schemes), strict=True):
            candidates = ranking.entries.filter(candidate=True).count()
            self.stdout.write(
                f"{item.scheme_code}: entrants {ranking.entrants}, "
                f"participants {ranking.participants}, candidates {candidates}"
            )
        if not schemes:
            self.stdout.write(f"no approved schemes for {year}")
