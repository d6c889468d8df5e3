"""Every sentence a person reads, per language, keyed by code or rule id.

`catalog` loads `catalogs/<lang>/*.toml`; `audit_text` reads their `[audit]` table.
Rules and conclusions never carry sentences.
"""

__all__ = ["audit_text", "catalog"]
