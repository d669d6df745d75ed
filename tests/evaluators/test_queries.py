"""Every list page costs the same number of queries for 1 row as for many."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.evaluators.models import Assessment, Scheme
from apps.evaluators.services.scoring import assessment_score
from apps.experts.services.reviews import review_draw
from tests.factories.enterprises import MembershipFactory
from tests.factories.evaluators import (
    AgencyFactory,
    ApplicationFactory,
    StandardFactory,
    approved_scheme,
    category_with_indicators,
    evaluator_user,
)
from tests.factories.experts import ExpertFactory

pytestmark = pytest.mark.django_db


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def same_for_one_and_many(client, url, add_rows, limit, django_assert_max_num_queries):
    add_rows(1)
    one = count(client, url)
    add_rows(9)
    many = count(client, url)
    assert many == one
    with django_assert_max_num_queries(limit):
        client.get(url)


def test_staff_lists(client, bureau_user, django_assert_max_num_queries):
    client.force_login(bureau_user)

    def agencies(n):
        for _ in range(n):
            agency = AgencyFactory()
            evaluator_user(agency)
            ApplicationFactory(agency=agency, status="pending")
            category = category_with_indicators()
            approved_scheme(agency=agency, category=category)
            ExpertFactory(specialties=[category])

    agencies(1)
    for url, limit in [
        ("/staff/agencies/", 8),
        ("/staff/agency-applications/", 8),
        ("/staff/schemes/", 8),
        ("/staff/experts/", 8),
    ]:
        one = count(client, url)
        agencies(3)
        assert count(client, url) == one, url
        with django_assert_max_num_queries(limit):
            client.get(url)


def test_staff_reviews_and_expert_workspace(client, bureau_user, django_assert_max_num_queries):
    category = category_with_indicators()
    expert = ExpertFactory(specialties=[category])

    def reviews(n):
        for _ in range(n):
            review_draw(
                target=AgencyFactory(),
                kind="scheme",
                title="x",
                category=category,
                size=1,
                excluded_usccs=[],
                actor=bureau_user,
            )

    client.force_login(bureau_user)
    same_for_one_and_many(client, "/staff/reviews/", reviews, 8, django_assert_max_num_queries)
    client.force_login(expert.user)
    Scheme.objects.all().delete()
    one = count(client, "/workspace/expert/")
    reviews(3)
    assert count(client, "/workspace/expert/") == one
    with django_assert_max_num_queries(10):
        client.get("/workspace/expert/")


def test_evaluator_workspace_and_scoring(client, django_assert_max_num_queries):
    category = category_with_indicators()
    agency = AgencyFactory()
    evaluator = evaluator_user(agency)
    scheme = approved_scheme(agency=agency, category=category)
    q1 = scheme.criteria.get(criterion_code="Q1")
    client.force_login(evaluator)

    def standards(n):
        for _ in range(n):
            standard = StandardFactory(category=category)
            assessment_score(
                scheme=scheme, standard=standard, criterion=q1, score=Decimal(80), actor=evaluator
            )

    url = f"/workspace/evaluator/schemes/{scheme.pk}/scoring/"
    same_for_one_and_many(client, url, standards, 10, django_assert_max_num_queries)

    def schemes(n):
        for _ in range(n):
            approved_scheme(agency=agency, category=category_with_indicators())

    same_for_one_and_many(
        client, "/workspace/evaluator/", schemes, 10, django_assert_max_num_queries
    )


def test_public_schemes_and_enterprise_results(client, django_assert_max_num_queries):
    same_for_one_and_many(
        client,
        "/schemes/",
        lambda n: [approved_scheme() for _ in range(n)],
        6,
        django_assert_max_num_queries,
    )
    member = MembershipFactory().user
    enterprise = member.membership.enterprise
    client.force_login(member)

    def results(n):
        for _ in range(n):
            scheme = approved_scheme()
            Scheme.objects.filter(pk=scheme.pk).update(results_published_at=timezone.now())
            standard = StandardFactory(category=scheme.category, enterprise=enterprise)
            Assessment.objects.create(
                scheme=scheme,
                standard=standard,
                evaluator=evaluator_user(scheme.agency),
                criterion=scheme.criteria.get(criterion_code="Q1"),
                score=Decimal(70),
            )

    same_for_one_and_many(
        client, "/workspace/enterprise/results/", results, 8, django_assert_max_num_queries
    )
