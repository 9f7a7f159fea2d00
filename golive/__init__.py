"""golive: go-live readiness checker for merchants integrating LianLian Pay 认证支付.

Kept tiny on purpose: `golive --version` imports only this module, so start-up stays close to
bare Python. Everything heavy is imported lazily by the command that needs it.
"""

__version__ = "0.1.0"
