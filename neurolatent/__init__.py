"""neurolatent: latent embeddings of neural recordings (contrastive embeddings, LFADS, metrics, NWB decoding).

This file is written by hand (nbdev only keeps `__version__` in step with settings.ini); every other module
is generated from the notebooks in `nbs/`. Heavy or optional stacks (matplotlib/plotly for plots, jax for
LFADS, pynwb, dandi) are imported by the modules that need them, never here: plotting names are re-exported
lazily.
"""
__version__ = "0.1.0"

import os as _os
# torch (CEBRA) and JAX (LFADS) share one GPU here: JAX must not take 75 % of its memory when it starts. A value the
# user set stays; this has no effect when JAX was already imported before neurolatent.
_os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")

from . import data as datasets
from .cebra import CEBRA
from . import multisession  # adds multi-session fits, adapt() and multi-session loading to CEBRA
from .core import get_device, seed_everything
from .data import Dataset

_PLOTS = ("plot_loss", "plot_temperature", "plot_embedding", "plot_embedding_interactive", "plot_consistency",
          "compare_models", "plot_overview", "explore")

def __getattr__(name):
    if name in _PLOTS:
        from . import plotting
        return getattr(plotting, name)
    raise AttributeError(f"module 'neurolatent' has no attribute {name!r}")
