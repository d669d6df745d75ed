from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from apps.experts.models import Review
from apps.experts.signals import review_closed
from apps.leaders import services
from apps.leaders.models import CandidateList, Objection


@receiver(review_closed, sender=Review)
def on_review_closed(sender, review, actor, **kwargs):
    content_types = ContentType.objects.get_for_models(CandidateList, Objection)
    if review.content_type_id == content_types[CandidateList].pk:
        services.candidate_list_review_closed(review=review, actor=actor)
    elif review.content_type_id == content_types[Objection].pk:
        services.objection_review_closed(review=review, actor=actor)
