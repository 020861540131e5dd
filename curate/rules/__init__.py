"""Rule packs applied at ingest: quality filters, language ID and PII/PHI redaction.

pack = load_rule_pack("default")          # or a path to a .toml
res = apply_rules(records, pack, text_fields)
res.kept, res.filtered, res.stats          # stats: the shape of ingest/rules.json
"""

from curate.rules.apply import RuleResult, apply_rules
from curate.rules.pack import (
    PII_TYPES,
    QUALITY_RULES,
    RulePack,
    builtin_packs,
    load_rule_pack,
    pack_text,
)

__all__ = [
    "PII_TYPES",
    "QUALITY_RULES",
    "RulePack",
    "RuleResult",
    "apply_rules",
    "builtin_packs",
    "load_rule_pack",
    "pack_text",
]
