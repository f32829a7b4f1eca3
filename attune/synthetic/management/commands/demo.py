from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from attune.synthetic.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Create or refresh the demo organisation, its two teams and one account per role."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        self.stdout.write(
            self.style.SUCCESS("Demo data ready: " + ", ".join(t.name for t in result.teams))
        )
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD})")
        for account, user in result.accounts:
            role = account.role or "system administrator"
            teams = ", ".join(m.team.name for m in user.memberships.select_related("team"))
            team = teams or "all teams (administration)"
            self.stdout.write(f"  {account.username:<20} {role:<15} {team}")
        if not settings.DEMO_MODE:
            self.stdout.write(
                self.style.WARNING(
                    "Demo mode is off: each demo account will be asked to set up "
                    "an authenticator app."
                )
            )
