"""Checks of area REC: reconciliation (对账, guide 九 商户对账, docs/protocol.md §9)."""
