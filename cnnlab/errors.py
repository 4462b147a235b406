"""The errors cnnlab raises on purpose; each message says what to do next."""


class CnnlabError(Exception):
    """Base class: the CLI prints the message as one line and exits with status 2."""


class ConfigError(CnnlabError, ValueError):
    """A run configuration or notebook parameter is invalid."""


class UnknownVariantError(ConfigError):
    """A model variant name is not in the registry."""


class DataNotFoundError(CnnlabError):
    """CIFAR-10 could neither be read from a local folder nor downloaded."""


class CacheError(CnnlabError):
    """The run cache cannot be written or holds something unexpected."""


class CorruptRunError(CacheError):
    """A run's file differs from what its manifest recorded when the run was committed."""


class MissingRunsError(CnnlabError):
    """The report needs runs that are not in the cache."""


class RunFailedError(CnnlabError):
    """The run notebook raised; the message carries the notebook's error."""


class WorkerMismatchError(CnnlabError):
    """A Dask worker runs another cnnlab version or sees other data than the client."""


class DaskError(CnnlabError):
    """A Dask scheduler cannot be reached, has no workers, or returned something else than asked for."""


class RenderError(CnnlabError):
    """A chapter failed to execute or the report could not be converted."""


class BenchError(CnnlabError):
    """A benchmark worker process failed."""
