"""When two program names are the same name: case and spaces do not tell them apart."""


def name_key(name: str) -> str:
    """`"Coffee  Club"`, `" coffee club"` and `"COFFEECLUB"` share the key `"coffeeclub"`."""
    return "".join(name.split()).casefold()
