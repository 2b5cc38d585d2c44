from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ocop import security, views

urlpatterns = [
    path("", include("insights.urls")),  # the home, the dashboard and the reports
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("dang-nhap/", security.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mat-khau/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("quen-mat-khau/", security.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "quen-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("quen-mat-khau/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("don-vi/", views.commune_list, name="communes"),
    path("don-vi/<slug:slug>/", views.commune_detail, name="commune_detail"),
    path("cau-hinh/", views.authority_settings, name="authority_settings"),
    path("lich-su/<str:model>/<int:pk>/", views.history, name="history"),
    path("", include("products.urls")),
    path("", include("evaluations.urls")),
    path("", include("funding.urls")),
    path("quan-tri/", admin.site.urls),
]

handler403 = "ocop.views.error_403"
handler404 = "ocop.views.error_404"

# Notifications: the centre of each user's own notifications, and the district office's outbox.
from ocop import views_notifications  # noqa: E402

urlpatterns += [
    path("thong-bao/", views_notifications.notification_list, name="notifications"),
    path("thong-bao/da-doc-het/", views_notifications.notifications_mark_all_read, name="notifications_mark_all_read"),
    path("thong-bao/<int:pk>/", views_notifications.notification_detail, name="notification_detail"),
    path("thong-bao/<int:pk>/mo/", views_notifications.notification_open, name="notification_open"),
    path("thong-bao/<int:pk>/da-doc/", views_notifications.notification_mark_read, name="notification_mark_read"),
    path("hop-thu-di/", views_notifications.outbox, name="outbox"),
    path("hop-thu-di/<int:pk>/gui-lai/", views_notifications.outbox_retry, name="outbox_retry"),
]
