"""Demo merchant: a small real 认证支付 merchant web app for golive demo and tests."""
