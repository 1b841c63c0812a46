"""Pure rules: no database, no Reflex, no settings. Services and states build on them."""
