from . import attention  # noqa: F401
