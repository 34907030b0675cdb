"""Hearth's reference video worker: diffusers pipelines behind Hearth's JSON-lines worker protocol.

The protocol layer (``protocol``) uses only the standard library; torch and diffusers are imported
by ``pipelines`` only when a real pipeline is built.
"""

__version__ = "0.1.0"
