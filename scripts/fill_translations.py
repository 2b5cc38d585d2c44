"""Fill the Vietnamese catalogue from a dict file: python scripts/fill_translations.py TRANSLATIONS.py

The file defines T = {(msgctxt or '', msgid): msgstr or [msgstr for plurals]}. Existing entries are overwritten and
their fuzzy flag removed; the script prints what is still untranslated.
"""

import runpy
import sys

import polib

PO = "locale/vi/LC_MESSAGES/django.po"


def main(path):
    table = runpy.run_path(path)["T"]
    po = polib.pofile(PO, wrapwidth=79)
    for entry in po:
        key = (entry.msgctxt or "", entry.msgid)
        if key not in table:
            continue
        value = table[key]
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[0] if isinstance(value, list) else value}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgctxt = None
        entry.previous_msgid_plural = None
    po.save(PO)
    missing = [e for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    for e in missing:
        print("MISSING", repr(e.msgctxt), repr(e.msgid))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
