"""`python manage.py generate_spotcheck_plan --year Y --seed N [--rate R]` (CONTRACT.md §4)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.supervision import services
from apps.supervision.enums import ItemReason


def decimal_rate(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None


class Command(BaseCommand):
    help = "Draw next year's spot-check plan: every Beijing leader standard plus a seeded sample."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--rate", type=decimal_rate, default=services.DEFAULT_RATE)

    def handle(self, *args, year: int, seed: int, rate: Decimal, **options):
        try:
            plan = services.plan_generate(year=year, seed=seed, rate=rate)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        items = list(plan.items.values_list("reason", flat=True))
        leaders = items.count(ItemReason.LEADER)
        sampled = len(items) - leaders
        self.stdout.write(
            f"spotcheck {year}: {len(items)} items (leader {leaders}, "
            f"random {sampled} of {plan.population_size}), seed {seed}, rate {rate}"
        )
