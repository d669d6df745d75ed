from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from apps.experts.models import Review
from apps.experts.signals import review_closed
from apps.leaders.models import CandidateList, Objection
from apps.leaders.services.candidate_lists import candidate_list_review_closed
from apps.leaders.services.objections import objection_review_closed


@receiver(review_closed, sender=Review)
def on_review_closed(sender, review, actor, **kwargs):
    content_types = ContentType.objects.get_for_models(CandidateList, Objection)
    if review.content_type_id == content_types[CandidateList].pk:
        candidate_list_review_closed(review=review, actor=actor)
    elif review.content_type_id == content_types[Objection].pk:
        objection_review_closed(review=review, actor=actor)
