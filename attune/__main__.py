"""`attune <command>` and `python -m attune <command>`: Django's manage.py."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([os.path.basename(sys.argv[0]) or "attune", *sys.argv[1:]])


if __name__ == "__main__":
    main()
