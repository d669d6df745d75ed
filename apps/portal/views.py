from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render

from apps.core.imports.exporters import stream_csv
from apps.core.pagecache import public_page
from apps.portal import selectors, statistics


@public_page
def home(request):
    return render(request, "portal/home.html", {"figures": selectors.home_figures()})


@public_page
def statistics_page(request):
    data = statistics.statistics_cached()
    return render(request, "portal/statistics.html", {"data": data, "sections": data["sections"]})


def statistics_csv(request, section):
    data = statistics.statistics_cached()
    found = next((item for item in data["sections"] if item["key"] == section), None)
    if found is None:
        raise Http404
    rows = ([str(cell) for cell in row] for row in found["rows"])
    response = StreamingHttpResponse(
        stream_csv([str(column) for column in found["columns"]], rows),
        content_type="text/csv; charset=utf-8",
    )
    # The file says as of when: the day and the minute the figures were computed.
    computed = data["computed_at"].replace(" ", "T").replace(":", "")
    response["Content-Disposition"] = f'attachment; filename="statistics-{section}-{computed}.csv"'

    return response
