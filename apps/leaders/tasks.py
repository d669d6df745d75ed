from celery import shared_task

from apps.leaders import services


@shared_task(name="leaders.expire_titles")
def expire_titles() -> int:
    return services.leaders_expire()


@shared_task(name="leaders.compile_scheme", acks_late=True, reject_on_worker_lost=True)
def compile_scheme(*, scheme_id: int) -> int:
    from apps.evaluators.models import Scheme

    return services.ranking_compile(scheme=Scheme.objects.get(pk=scheme_id)).pk


@shared_task(name="leaders.compile_year")
def compile_year(*, year: int) -> int:
    """Fan out: one task per approved scheme of the year."""
    from apps.leaders import selectors

    schemes = selectors.schemes_to_compile(year=year)
    for scheme in schemes:
        compile_scheme.delay(scheme_id=scheme.pk)
    return len(schemes)
