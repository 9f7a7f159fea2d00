"""Live probes: acting as LianLian against a merchant's staging server (``golive check --probe``).

They send what the probe specification (golive/probe_spec.py) names -- and only the scenario groups
the selected checks read -- and record raw, redacted observations: exchanges, credit counts per
moment, withdrawal answers. They never judge them and know no check: judging lives in
golive/judging/, which checks reach through golive.check_api.
"""
