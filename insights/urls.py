from django.urls import include, path

from insights import reports_views, views

# The home keeps its plain name (``{% url 'home' %}`` everywhere); the rest is under the ``insights`` namespace.
insights_patterns = (
    [
        path("bang-dieu-khien/", views.dashboard, name="dashboard"),
        path("bao-cao/", reports_views.index, name="reports"),
        path("bao-cao/<int:year>/phu-luc-1.<str:fmt>", reports_views.appendix1, name="appendix1"),
        path("bao-cao/<int:year>/san-pham-duoc-cong-nhan.<str:fmt>", reports_views.recognised, name="recognised"),
        path("bao-cao/<int:year>/tong-ket.<str:fmt>", reports_views.year_end, name="year_end"),
        path("bao-cao/dot/<int:pk>/ket-qua.<str:fmt>", reports_views.round_results, name="round_results"),
        path("bao-cao/he-thong-quoc-gia.csv", reports_views.national_csv, name="national_csv"),
        path("bao-cao/ptnt-ocop.csv", reports_views.ptnt_ocop_csv, name="ptnt_ocop_csv"),
    ],
    "insights",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("", include(insights_patterns)),
]
