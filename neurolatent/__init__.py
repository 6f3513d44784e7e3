"""neurolatent: latent embeddings of neural recordings (contrastive embeddings, LFADS, metrics, NWB decoding).

This file is written by hand (nbdev only keeps `__version__` in step with settings.ini); every other module
is generated from the notebooks in `nbs/`. Heavy optional stacks (jax for LFADS, dandi) are imported by the
modules that need them, never here.
"""
__version__ = "0.1.0"

from . import data as datasets
from .core import get_device, seed_everything
from .data import Dataset
