from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ocop import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("don-vi/", views.commune_list, name="communes"),
    path("don-vi/<slug:slug>/", views.commune_detail, name="commune_detail"),
    path("cau-hinh/", views.authority_settings, name="authority_settings"),
    path("lich-su/<str:model>/<int:pk>/", views.history, name="history"),
    path("", include("products.urls")),
    path("", include("evaluations.urls")),
    path("quan-tri/", admin.site.urls),
]

handler403 = "ocop.views.error_403"
handler404 = "ocop.views.error_404"
