"""`python manage.py compile_rankings --year Y [--scheme CODE]` (CONTRACT.md §3)."""

from django.core.management.base import BaseCommand, CommandError

from apps.leaders import selectors
from apps.leaders.services.rankings import rankings_compile_parallel


class Command(BaseCommand):
    help = "Compile the rankings of a year's approved schemes (the same service as the Celery job)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--scheme", help="compile only this scheme code")
        parser.add_argument(
            "--workers",
            type=int,
            help="concurrent transactions, each compiling a share of the schemes "
            "(default: RANKING_COMPILE_WORKERS, 2); 1 = the whole year all or nothing",
        )

    def handle(self, *args, year: int, scheme: str | None, workers: int | None, **options):
        schemes = selectors.schemes_to_compile(year=year, scheme_code=scheme)
        if scheme and not schemes:
            raise CommandError(f"no approved scheme {scheme} for year {year}")
        if workers is not None and workers < 1:
            raise CommandError("--workers must be at least 1")
        # Each share of the year is one transaction and three statements (docs/leaders.md).
        rankings = rankings_compile_parallel(schemes=schemes, workers=workers)
        for item, ranking in zip(schemes, rankings, strict=True):
            candidates = ranking.entries.filter(candidate=True).count()
            self.stdout.write(
                f"{item.scheme_code}: entrants {ranking.entrants}, "
                f"participants {ranking.participants}, candidates {candidates}"
            )
        if not schemes:
            self.stdout.write(f"no approved schemes for {year}")
