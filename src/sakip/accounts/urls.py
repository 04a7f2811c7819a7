from django.contrib.auth import views as auth_views
from django.urls import path

from . import twofactor, views
from .signin import SignInView

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "akun/kata-sandi/",
        auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html"),
        name="password_change",
    ),
    path(
        "akun/kata-sandi/selesai/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("akun/2fa/", twofactor.manage, name="twofactor"),
    path("akun/2fa/daftar/", twofactor.enrol, name="twofactor-enrol"),
    path("akun/2fa/verifikasi/", twofactor.verify, name="twofactor-verify"),
    path("", views.home, name="home"),
]
