from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from apps.evaluators.models import Scheme
from apps.evaluators.services.schemes import scheme_review_closed
from apps.experts.models import Review
from apps.experts.signals import review_closed


@receiver(review_closed, sender=Review)
def on_review_closed(sender, review, actor, **kwargs):
    if review.content_type_id == ContentType.objects.get_for_model(Scheme).pk:
        scheme_review_closed(review=review, actor=actor)
