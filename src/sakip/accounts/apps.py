from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sakip.accounts"
    label = "accounts"
    verbose_name = _("Akun dan perangkat daerah")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import sessions, signin, twofactor

        signin.connect()
        twofactor.connect()
        user_logged_in.connect(sessions.on_sign_in, dispatch_uid="sakip_session_stamp")
