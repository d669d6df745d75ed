from rest_framework import mixins, serializers, viewsets

from apps.enterprises.models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "district"]


class EnterpriseViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public enterprise record, looked up by its unified social credit code."""

    queryset = Enterprise.objects.filter(is_public=True)  # unreviewed registrations: 404
    serializer_class = EnterpriseSerializer
    lookup_field = "uscc"
    lookup_value_regex = "[0-9A-Za-z]{1,18}"
