"""aekit: train, inspect, save and reload autoencoders on Keras 3."""

from ._backend import choose_backend as _choose_backend
from ._backend import quiet_tensorflow_logs as _quiet_tensorflow_logs

_quiet_tensorflow_logs()
_choose_backend()

__version__ = "0.1.0"

from .artifacts import load  # noqa: E402
from .config import Config  # noqa: E402
from .errors import AekitError, ArtifactError, ConfigError, DataError, NotFittedError, TrainingError  # noqa: E402
from .estimators import Autoencoder  # noqa: E402
from .tasks.anomaly import AnomalyDetector  # noqa: E402
from .tasks.representation import Classifier  # noqa: E402

__all__ = ["AekitError", "AnomalyDetector", "ArtifactError", "Autoencoder", "Classifier", "Config", "ConfigError",
           "DataError", "NotFittedError", "TrainingError", "__version__", "load"]
