"""Re-key catalog entries whose English had a phone number written in it, after
the template passes the number in as a placeholder (`phone()`, which isolates
it as left-to-right text): every translation is kept, with the same number in
it replaced by the same placeholder.

Run after `heard i18n extract` and BEFORE `heard i18n update` (update would
otherwise match the old entry to the new one as a fuzzy guess):

    .venv/bin/python infra/i18n/phone_placeholders.py
    .venv/bin/heard i18n update

A translation that lacks the number is kept but marked fuzzy, and listed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from babel.messages.catalog import Message  # noqa: E402

from service.i18n import LOCALES_DIR, catalogs  # noqa: E402

# the number as written in the English -> the placeholder the templates use
NUMBERS = {"0303 123 1113": "%(ico)s", "0800 1111": "%(childline)s", "999": "%(emergency)s"}


def rekeyed(text: str) -> str:
    for number, placeholder in NUMBERS.items():
        text = text.replace(number, placeholder)
    return text


def main(locales_dir: Path = LOCALES_DIR) -> int:
    template = catalogs.read_template(locales_dir, "messages")
    wanted = {message.id for message in template if message.id}
    for po in sorted(locales_dir.glob("*/LC_MESSAGES/messages.po")):
        extra = catalogs._extra_headers(po)
        catalog = catalogs.read_catalog(po)
        moved = 0
        for message in list(catalog):
            if not isinstance(message.id, str) or not message.id or message.id in wanted:
                continue
            new_id = rekeyed(message.id)
            if new_id == message.id or new_id not in wanted or catalog.get(new_id, message.context):
                continue
            string = rekeyed(message.string) if message.string else message.string
            flags = set(message.flags) | {"python-format"}
            if message.string and any(number in message.id and number not in message.string for number in NUMBERS):
                flags.add("fuzzy")
                print(f"{po}: kept as fuzzy, the number is not in the translation: {message.id[:60]}")
            catalog.delete(message.id, message.context)
            catalog[new_id] = Message(
                new_id,
                string,
                locations=message.locations,
                flags=flags,
                auto_comments=message.auto_comments,
                user_comments=message.user_comments,
                context=message.context,
            )
            moved += 1
        if moved:
            catalogs._write_catalog(po, catalog, extra)
            print(f"{po}: {moved} entries re-keyed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
