#!/usr/bin/env python3
"""Prove that installing neurolatent on Google Colab changes none of Colab's preinstalled packages.

A Colab tutorial cell runs `%pip install -q git+https://github.com/neurolatent/neurolatent`. pip then keeps
every installed package whose version satisfies neurolatent's requirements and upgrades any that does not;
an upgraded torch, jax/jaxlib, numpy, ipywidgets or plotly breaks the running kernel or Colab's own widgets.

This script replays that install without Colab and without downloading any dependency's wheel whole:

1. it builds neurolatent's wheel from this checkout (no dependencies; offline where setuptools is installed),
   the same files and metadata that the Colab cell installs;
2. it makes an empty Python 3.12 virtual environment (Colab's Python) and writes into its site-packages a
   `.dist-info` record (name and version only) for every package of Colab's `pip freeze` below, so that pip
   sees them as installed, as it does on Colab;
3. it runs `pip install --dry-run --report` for the wheel in that environment against PyPI only (the machine's
   pip configuration, local wheel folders and caps are ignored). A dry run never downloads a wheel whole:
   pip reads each candidate's METADATA from the index's PEP 658 `.metadata` file, or, where an index or
   mirror serves none, by HTTP range requests into the wheel (`--use-feature=fast-deps`: about 1 MB of
   torch's 531 MB wheel). `--only-binary=:all:` keeps it from building any sdist. Colab's own packages are
   not fetched at all while their installed versions satisfy what is asked;
4. it reads pip's JSON report: every package pip would install that Colab already has, at another version,
   is a change. Any change fails the check (exit 1) and is named; changes to torch, jax, jaxlib, numpy,
   ipywidgets or plotly are marked as the ones that break a Colab session.

Exit codes: 0 nothing Colab has would change; 1 something would change (or pip could not resolve);
2 a local problem (no wheel could be built, bad arguments); 3 PyPI unreachable (message says so; no retries).

Usage: python tools/check_colab_install.py [--extras dandi] [--allow-other-changes] [--also 'REQ' ...]
                                          [--freeze FILE] [--python PATH] [-v]
  --extras dandi         check `neurolatent[dandi]`, which the Allen tutorial installs
  --allow-other-changes  fail only on torch, jax, jaxlib, numpy, ipywidgets or plotly; warn about the rest
  --also REQ             add a requirement to the install request (--also 'ipywidgets>=8' shows a failure)
  --freeze FILE          use another `pip freeze` (e.g. `!pip freeze` in a fresh Colab runtime)

Fidelity notes (what this does not model):
- The recorded dists carry no `Requires-Dist`, so pip cannot see that upgrading one Colab package would drag
  another along; the first change is still reported, which is all the pass/fail needs.
- torch: Colab's torch is a CUDA build, `2.11.0+cu128`, installed from download.pytorch.org. It is recorded
  here with that exact version, local label included. PEP 440 ignores the local label when comparing against
  a specifier without one, so `torch>=2.2` is satisfied by `2.11.0+cu128` and pip keeps it, as on Colab. Were
  neurolatent to ask for a newer torch, pip would pick a plain `torch==2.x.y` from PyPI (not a `+cu128` build)
  and the check would report the change; only PyPI metadata is read, never the multi-GB wheel.
- pip here is this environment's pip, not Colab's 24.1.2; both resolve with resolvelib and keep an installed
  version whenever it satisfies what is asked (pip's default "only-if-needed" upgrade strategy).
- Without a Python 3.12 interpreter the check runs under the current Python with `--python-version 3.12`,
  which selects cp312 wheels but evaluates environment markers for the running Python (it says so).
"""
from __future__ import annotations

import argparse
import glob
import importlib.util
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPI = "https://pypi.org/simple"
PROTECTED = ("torch", "jax", "jaxlib", "numpy", "ipywidgets", "plotly")
EXIT_OK, EXIT_CHANGE, EXIT_LOCAL, EXIT_OFFLINE = 0, 1, 2, 3

# Colab's preinstalled Python packages: `pip freeze` of the GPU runtime as published by Google in
# https://github.com/googlecolab/backend-info/blob/03a89033b7dd106f98e45f7c6090d467134330e8/pip-freeze.gpu.txt
# (the newest version of that file found; its own newest entries, astropy-iers-data 0.2026.6.1 and
# certifi 2026.5.20, date it to early June 2026; Python 3.12, cp312 wheels). Google notes that the file
# reflects the runtime "as of the most recent submitted CL", a day or two ahead of what users get.
# Colab announced a move to Python 3.13 on 2026-08-18 (googlecolab/colabtools#6081, live 2026-08-25; Python
# 3.12 stays selectable as runtime versions 26.04 and 26.07); no pip freeze of the Python 3.13 runtime was
# found, so this list is the Python 3.12 runtime. To refresh: replace the list below with a newer freeze of
# that file (or `!pip freeze` in a fresh Colab runtime), or pass --freeze FILE.
# The CPU runtime's freeze at the same commit (pip-freeze.txt) has torch 2.11.0+cpu and the same jax, jaxlib,
# numpy, ipywidgets and plotly; it lacks the CUDA packages and differs in a few others (e.g. dask 2026.3.0).
COLAB_SOURCE = "googlecolab/backend-info@03a89033 pip-freeze.gpu.txt (early June 2026)"
COLAB_PYTHON = "3.12"
COLAB_FREEZE = """
absl-py==1.4.0
accelerate==1.13.0
access==1.1.10.post3
affine==2.4.0
aiofiles==24.1.0
aiohappyeyeballs==2.6.2
aiohttp==3.14.0
aiosignal==1.4.0
aiosqlite==0.22.1
alabaster==1.0.0
albucore==0.0.24
albumentations==2.0.8
ale-py==0.12.0
alembic==1.18.4
altair==5.5.0
annotated-doc==0.0.4
annotated-types==0.7.0
antlr4-python3-runtime==4.9.3
anyio==4.13.0
anywidget==0.9.21
apsw==3.53.1.0
apswutils==0.1.2
argon2-cffi==25.1.0
argon2-cffi-bindings==25.1.0
array_record==0.8.3
arrow==1.4.0
arviz==0.22.0
astropy==7.2.0
astropy-iers-data==0.2026.6.1.17.39.59
astunparse==1.6.3
atpublic==5.1
attrs==26.1.0
audioread==3.1.0
Authlib==1.7.2
autograd==1.8.0
babel==2.18.0
backcall==0.2.0
beartype==0.22.9
beautifulsoup4==4.13.5
betterproto==2.0.0b6
bigframes==2.41.0
bigquery-magics==0.14.0
bleach==6.3.0
blinker==1.9.0
blis==1.3.3
blobfile==3.2.0
blosc2==4.4.1
bokeh==3.8.2
Bottleneck==1.4.2
bqplot==0.12.47
branca==0.8.2
brotli==1.2.0
CacheControl==0.14.4
cachetools==6.2.6
catalogue==2.0.10
certifi==2026.5.20
cffi==2.0.0
chardet==5.2.0
charset-normalizer==3.4.7
clarabel==0.11.1
click==8.4.1
cligj==0.7.2
cloudpathlib==0.24.0
cloudpickle==3.1.2
cmake==3.31.10
cmdstanpy==1.3.0
colorcet==3.2.1
colorlover==0.3.0
community==1.0.0b1
confection==1.3.3
cons==0.4.7
contourpy==1.3.3
cramjam==2.11.0
cryptography==48.0.0
cucim-cu12 @ https://pypi.nvidia.com/cucim-cu12/cucim_cu12-26.2.0-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl
cuda-bindings==12.9.7
cuda-core==0.3.2
cuda-pathfinder==1.5.5
cuda-python==12.9.7
cuda-toolkit==12.8.1
cudf-cu12==26.2.1
cudf-polars-cu12==26.2.1
cufflinks==0.17.3
cuml-cu12==26.2.0
cupy-cuda12x==14.0.1
curl_cffi==0.15.0
cuvs-cu12 @ https://pypi.nvidia.com/cuvs-cu12/cuvs_cu12-26.2.0-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl
cvxopt==1.3.2
cvxpy==1.6.7
cycler==0.12.1
cyipopt==1.5.0
cymem==2.0.13
Cython==3.0.12
dask==2026.1.1
dask-cuda==26.2.0
dask-cudf-cu12==26.2.1
dataproc-spark-connect==1.1.0
datasets==4.0.0
db-dtypes==1.6.0
dbus-python==1.2.18
debugpy==1.8.15
decorator==4.4.2
defusedxml==0.7.1
deprecation==2.1.0
diffusers==0.37.1
dill==0.3.8
distributed==2026.1.1
distributed-ucxx-cu12==0.48.0
distro==1.9.0
dlib==19.24.6
dm-tree==0.1.10
docstring_parser==0.18.0
docutils==0.21.2
dopamine_rl==4.1.2
duckdb==1.3.2
earthengine-api==1.7.29
easydict==1.13
editdistance==0.8.1
eerepr==0.1.2
einops==0.8.2
en_core_web_sm @ https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/en_core_web_sm-3.8.0-py3-none-any.whl#sha256=1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85
entrypoints==0.4
esda==2.9.0
et_xmlfile==2.0.0
etils==1.14.0
etuples==0.3.10
Farama-Notifications==0.0.6
fastai==2.8.7
fastapi==0.136.3
fastcore==1.13.2
fastdownload==0.0.7
fastjsonschema==2.21.2
fastlite==0.2.4
fastprogress==1.1.6
fasttransform==0.0.2
ffmpy==1.0.0
filelock==3.29.0
firebase-admin==6.9.0
Flask==3.1.3
flatbuffers==25.12.19
flax==0.11.2
folium==0.20.0
fonttools==4.63.0
fqdn==1.5.1
frozendict==2.4.7
frozenlist==1.8.0
fsspec==2025.3.0
future==1.0.0
gast==0.7.0
gcsfs==2025.3.0
GDAL==3.8.4
gdown==5.2.2
geemap==0.37.3
geocoder==1.38.1
geographiclib==2.1
geopandas==1.1.3
geopy==2.4.1
giddy==2.3.6
gin-config==0.5.0
gitdb==4.0.12
GitPython==3.1.50
glob2==0.7
google==3.0.0
google-adk==1.29.0
google-ai-generativelanguage==0.6.15
google-api-core==2.30.3
google-api-python-client==2.197.0
google-auth==2.47.0
google-auth-httplib2==0.4.0
google-auth-oauthlib==1.4.0
google-cloud-aiplatform==1.154.0
google-cloud-appengine-logging==1.9.0
google-cloud-audit-log==0.5.0
google-cloud-bigquery==3.41.0
google-cloud-bigquery-connection==1.21.0
google-cloud-bigquery-storage==2.38.0
google-cloud-bigtable==2.38.0
google-cloud-core==2.6.0
google-cloud-dataplex==2.19.0
google-cloud-dataproc==5.27.0
google-cloud-datastore==2.24.0
google-cloud-discoveryengine==0.13.12
google-cloud-firestore==2.27.0
google-cloud-functions==1.23.0
google-cloud-iam==2.23.0
google-cloud-language==2.20.0
google-cloud-logging==3.15.0
google-cloud-monitoring==2.30.0
google-cloud-pubsub==2.38.0
google-cloud-resource-manager==1.17.0
google-cloud-secret-manager==2.28.0
google-cloud-spanner==3.66.0
google-cloud-speech==2.39.0
google-cloud-storage==3.10.1
google-cloud-trace==1.19.0
google-cloud-translate==3.26.0
google-colab @ file:///colabtools/dist/google_colab-1.0.0.tar.gz
google-crc32c==1.8.0
google-genai==1.68.0
google-generativeai==0.8.6
google-pasta==0.2.0
google-resumable-media==2.9.0
googleapis-common-protos==1.75.0
googledrivedownloader==1.1.0
gradio==5.50.0
gradio_client==1.14.0
grain==0.2.17
graphviz==0.21
greenlet==3.5.1
groovy==0.1.2
grpc-google-iam-v1==0.14.4
grpc-interceptor==0.15.4
grpcio==1.81.0
grpcio-status==1.71.2
grpclib==0.4.9
gspread==6.2.1
gspread-dataframe==4.0.0
gym==0.25.2
gym-notices==0.1.0
gymnasium==1.3.0
h11==0.16.0
h2==4.3.0
h5netcdf==1.8.1
h5py==3.16.0
hdbscan==0.8.44
hf-xet==1.5.0
highspy==1.14.0
holidays==0.98
holoviews==1.22.1
hpack==4.1.0
html5lib==1.1
httpcore==1.0.9
httpimport==1.4.1
httplib2==0.31.2
httptools==0.8.0
httpx==0.28.1
httpx-sse==0.4.3
huggingface_hub==1.17.0
humanize==4.15.0
hyperframe==6.1.0
hyperopt==0.2.7
ibis-framework==9.5.0
idna==3.18
ImageIO==2.37.3
imageio-ffmpeg==0.6.0
imagesize==2.0.0
imbalanced-learn==0.14.1
immutabledict==4.3.1
importlib_metadata==8.7.1
importlib_resources==7.1.0
imutils==0.5.4
inequality==1.1.2
inflect==7.5.0
iniconfig==2.3.0
intel-cmplr-lib-ur==2025.3.3
intel-openmp==2025.3.3
ipyevents==2.0.4
ipyfilechooser==0.6.0
ipykernel==6.17.1
ipyleaflet==0.20.0
ipyparallel==8.8.0
ipython==7.34.0
ipython-genutils==0.2.0
ipython-sql==0.5.0
ipywidgets==7.7.1
isoduration==20.11.0
itsdangerous==2.2.0
jaraco.classes==3.4.0
jaraco.context==6.1.2
jaraco.functools==4.5.0
jax==0.7.2
jax-cuda12-pjrt==0.7.2
jax-cuda12-plugin==0.7.2
jaxlib==0.7.2
jeepney==0.9.0
jieba==0.42.1
Jinja2==3.1.6
jiter==0.15.0
joblib==1.5.3
joserfc==1.7.0
jsonpatch==1.33
jsonpickle==4.1.2
jsonpointer==3.1.1
jsonschema==4.26.0
jsonschema-specifications==2025.9.1
jupyter-console==6.6.3
jupyter-events==0.12.1
jupyter-leaflet==0.20.0
jupyter_client==7.4.9
jupyter_core==5.9.1
jupyter_kernel_gateway @ git+https://github.com/googlecolab/kernel_gateway@b134e9945df25c2dcb98ade9129399be10788671
jupyter_server==2.14.0
jupyter_server_terminals==0.5.4
jupyterlab_pygments==0.3.0
jupyterlab_widgets==3.0.16
jupytext==1.19.3
kaggle==2.0.2
kagglehub==1.0.1
kagglesdk==0.1.23
keras==3.13.2
keras-hub==0.26.0
keras-nlp==0.26.0
keyring==25.7.0
keyrings.google-artifactregistry-auth==1.1.2
kiwisolver==1.5.0
langchain==1.3.4
langchain-core==1.4.0
langchain-protocol==0.0.16
langgraph==1.2.4
langgraph-checkpoint==4.1.1
langgraph-prebuilt==1.1.0
langgraph-sdk==0.4.2
langsmith==0.8.8
lark==1.3.1
launchpadlib==1.10.16
lazr.restfulclient==0.14.4
lazr.uri==1.0.6
lazy-loader==0.5
libclang==18.1.1
libcudf-cu12==26.2.1
libcugraph-cu12==26.2.0
libcuml-cu12==26.2.0
libcuvs-cu12==26.2.0
libkvikio-cu12==26.2.0
libpysal==4.14.1
libraft-cu12==26.2.0
librmm-cu12==26.2.0
librosa==0.11.0
libucx-cu12==1.19.0
libucxx-cu12==0.48.0
lightgbm==4.6.0
linkify-it-py==2.1.0
llvmlite==0.43.0
locket==1.0.0
logical-unification==0.4.7
lxml==6.1.1
Mako==1.3.12
mapclassify==2.10.0
Markdown==3.10.2
markdown-it-py==4.2.0
MarkupSafe==3.0.3
matplotlib==3.10.0
matplotlib-inline==0.2.2
matplotlib-venn==1.1.2
mcp==1.27.2
mdit-py-plugins==0.6.1
mdurl==0.1.2
mgwr==2.2.1
miniKanren==1.0.5
missingno==0.5.2
mistune==3.2.1
mizani==0.13.5
mkl==2025.3.1
ml_dtypes==0.5.4
mlxtend==0.23.4
mmh3==5.2.1
momepy==0.11.0
more-itertools==10.8.0
moviepy==1.0.3
mpmath==1.3.0
msgpack==1.1.2
multidict==6.7.1
multipledispatch==1.0.0
multiprocess==0.70.16
multitasking==0.0.13
murmurhash==1.0.15
music21==9.9.2
namex==0.1.0
narwhals==2.22.0
natsort==8.4.0
nbclassic==1.3.3
nbclient==0.10.4
nbconvert==7.17.1
nbformat==5.10.4
ndindex==1.10.1
nest-asyncio==1.6.0
networkx==3.6.1
nh3==0.3.5
nibabel==5.4.2
nltk==3.9.1
notebook==6.5.7
notebook_shim==0.2.4
numba==0.60.0
numba-cuda==0.22.2
numexpr==2.14.1
numpy==2.0.2
nvidia-cublas-cu12==12.8.4.1
nvidia-cuda-cccl-cu12==12.9.27
nvidia-cuda-cupti-cu12==12.8.90
nvidia-cuda-nvcc-cu12==12.8.93
nvidia-cuda-nvrtc-cu12==12.8.93
nvidia-cuda-runtime-cu12==12.8.90
nvidia-cudnn-cu12==9.19.0.56
nvidia-cufft-cu12==11.3.3.83
nvidia-cufile-cu12==1.13.1.3
nvidia-curand-cu12==10.3.9.90
nvidia-cusolver-cu12==11.7.3.90
nvidia-cusparse-cu12==12.5.8.93
nvidia-cusparselt-cu12==0.7.1
nvidia-libnvcomp-cu12==5.1.0.21
nvidia-ml-py==13.610.43
nvidia-nccl-cu12==2.28.9
nvidia-nvimgcodec-cu12==0.7.0.11
nvidia-nvjitlink-cu12==12.8.93
nvidia-nvshmem-cu12==3.4.5
nvidia-nvtx-cu12==12.8.90
nvtx==0.2.15
nx-cugraph-cu12 @ https://pypi.nvidia.com/nx-cugraph-cu12/nx_cugraph_cu12-26.2.0-py3-none-any.whl
oauth2client==4.1.3
oauthlib==3.3.1
omegaconf==2.3.0
onemkl-license==2025.3.1
openai==2.40.0
opencv-contrib-python==4.13.0.92
opencv-python==4.13.0.92
opencv-python-headless==4.13.0.92
openpyxl==3.1.5
opentelemetry-api==1.38.0
opentelemetry-exporter-gcp-logging==1.11.0a0
opentelemetry-exporter-gcp-monitoring==1.12.0a0
opentelemetry-exporter-gcp-trace==1.12.0
opentelemetry-exporter-otlp-proto-common==1.38.0
opentelemetry-exporter-otlp-proto-http==1.38.0
opentelemetry-proto==1.38.0
opentelemetry-resourcedetector-gcp==1.12.0a0
opentelemetry-sdk==1.38.0
opentelemetry-semantic-conventions==0.59b0
opt_einsum==3.4.0
optax==0.2.8
optree==0.19.1
orbax-checkpoint==0.12.0
orjson==3.11.9
ormsgpack==1.12.2
osqp==1.1.1
overrides==7.7.0
packaging==26.2
pandas==2.2.2
pandas-datareader==0.10.0
pandas-gbq==0.30.0
pandas-stubs==2.2.2.240909
pandocfilters==1.5.1
panel==1.9.3
panel-material-ui==0.11.2
param==2.4.0
parso==0.8.7
parsy==2.2
partd==1.4.2
patsy==1.0.2
peewee==4.0.6
peft==0.19.1
pexpect==4.9.0
pickleshare==0.7.5
pillow==11.3.0
pip==24.1.2
platformdirs==4.10.0
plotly==5.24.1
plotnine==0.14.5
pluggy==1.6.0
plum-dispatch==2.9.0
pointpats==2.5.5
polars==1.35.2
polars-runtime-32==1.35.2
pooch==1.9.0
portpicker==1.5.2
preshed==3.0.13
prettytable==3.17.0
proglog==0.1.12
progressbar2==4.5.0
prometheus_client==0.25.0
promise==2.3
prompt_toolkit==3.0.52
propcache==0.5.2
prophet==1.3.0
proto-plus==1.28.0
protobuf==5.29.6
psutil==5.9.5
psycopg2==2.9.12
psygnal==0.15.1
ptyprocess==0.7.0
PuLP==3.3.2
py-cpuinfo==9.0.0
py4j==0.10.9.9
pyarrow==18.1.0
pyasn1==0.6.3
pyasn1_modules==0.4.2
pycairo==1.29.0
pycocotools==2.0.11
pycparser==3.0
pycryptodomex==3.23.0
pydantic==2.12.3
pydantic-settings==2.14.1
pydantic_core==2.41.4
pydata-google-auth==1.9.1
pydot==4.0.1
pydotplus==2.0.2
PyDrive2==1.21.1
pydub==0.25.1
pyerfa==2.0.1.5
pygame==2.6.1
pygit2==1.19.2
Pygments==2.20.0
PyGObject==3.48.2
pyiceberg==0.11.1
PyJWT==2.13.0
pylibcudf-cu12==26.2.1
pylibcugraph-cu12==26.2.0
pylibraft-cu12==26.2.0
pymc==5.28.5
pynndescent==0.6.0
pyogrio==0.12.1
pyomo==6.10.0
PyOpenGL==3.1.10
pyOpenSSL==26.2.0
pyparsing==3.3.2
pyperclip==1.11.0
pyproj==3.7.2
pyroaring==1.1.0
pysal==25.7
pyshp==3.0.9
PySocks==1.7.1
pyspark==4.0.2
pytensor==2.38.3
pytest==8.4.2
python-apt==0.0.0
python-box==7.4.1
python-dateutil==2.9.0.post0
python-dotenv==1.2.2
python-fasthtml==0.12.50
python-json-logger==4.1.0
python-louvain==0.16
python-multipart==0.0.30
python-slugify==8.0.4
python-snappy==0.7.3
python-utils==3.9.1
pytz==2025.2
pyviz_comms==3.0.6
PyWavelets==1.9.0
PyYAML==6.0.3
pyzmq==26.2.1
quantecon==0.11.2
raft-dask-cu12==26.2.0
rapids-dask-dependency==26.2.0
rapids-logger==0.2.3
rasterio==1.5.0
rasterstats==0.21.0
ratelim==0.1.6
referencing==0.37.0
regex==2025.11.3
requests==2.32.4
requests-oauthlib==2.0.0
requests-toolbelt==1.0.0
requirements-parser==0.9.0
rfc3339-validator==0.1.4
rfc3986-validator==0.1.1
rfc3987-syntax==1.1.0
rich==13.9.4
rmm-cu12==26.2.0
roman-numerals==4.1.0
roman-numerals-py==4.1.0
rpds-py==2026.5.1
rpy2==3.5.17
rsa==4.9.1
rtree==1.4.1
ruff==0.15.15
safehttpx==0.1.7
safetensors==0.7.0
scikit-image==0.25.2
scikit-learn==1.6.1
scipy==1.16.3
scooby==0.11.2
scs==3.2.11
seaborn==0.13.2
SecretStorage==3.5.0
segregation==2.5.4
semantic-version==2.10.0
Send2Trash==2.1.0
sentence-transformers==5.5.1
sentencepiece==0.2.1
sentry-sdk==2.61.1
setuptools==75.2.0
shap==0.52.0
shapely==2.1.2
shellingham==1.5.4
simple-parsing==0.1.8
simplejson==4.1.1
simsimd==6.5.16
six==1.17.0
sklearn-compat==0.1.5
sklearn-pandas==2.2.0
slicer==0.0.8
smart_open==7.6.1
smmap==5.0.3
sniffio==1.3.1
snowballstemmer==3.1.1
soundfile==0.13.1
soupsieve==2.8.4
soxr==1.1.0
spacy==3.8.14
spacy-legacy==3.0.12
spacy-loggers==1.0.5
spaghetti==1.7.6
spanner-graph-notebook==1.1.10
spglm==1.1.0
Sphinx==8.2.3
sphinxcontrib-applehelp==2.0.0
sphinxcontrib-devhelp==2.0.0
sphinxcontrib-htmlhelp==2.1.0
sphinxcontrib-jsmath==1.0.1
sphinxcontrib-qthelp==2.0.0
sphinxcontrib-serializinghtml==2.0.0
spint==1.0.7
splot==1.1.7
spopt==0.7.0
spreg==1.9.0
SQLAlchemy==2.0.50
sqlalchemy-spanner==1.18.0
sqlglot==25.20.2
sqlparse==0.5.5
srsly==2.5.3
sse-starlette==3.4.4
stanio==0.5.1
starlette==0.52.1
statsmodels==0.14.6
strictyaml==1.7.3
stringzilla==4.6.1
stumpy==1.13.0
sympy==1.14.0
tables==3.10.2
tabulate==0.9.0
tbb==2022.3.1
tblib==3.2.2
tcmlib==1.5.0
tenacity==9.1.4
tensorboard==2.20.0
tensorboard-data-server==0.7.2
tensorflow==2.20.0
tensorflow-datasets==4.9.10
tensorflow-hub==0.16.1
tensorflow-metadata==1.17.3
tensorflow-probability==0.25.0
tensorflow-text==2.20.1
tensorstore==0.1.84
termcolor==3.3.0
terminado==0.18.1
text-unidecode==1.3
textblob==0.19.0
tf-slim==1.1.0
tf_keras==2.20.0
thinc==8.3.13
threadpoolctl==3.6.0
tifffile==2026.4.11
tiktoken==0.13.0
timm==1.0.27
tinycss2==1.4.0
tobler==0.14.0
tokenizers==0.22.2
toml==0.10.2
tomlkit==0.13.3
toolz==0.12.1
torch==2.11.0+cu128
torchao==0.10.0
torchaudio==2.11.0+cu128
torchcodec==0.11.0+cu128
torchdata==0.11.0
torchsummary==1.5.1
torchtune==0.6.1
torchvision==0.26.0+cu128
tornado==6.5.1
tqdm==4.67.3
traitlets==5.7.1
traittypes==0.2.3
transformers==5.9.0
treelite==4.7.0
treescope==0.1.10
triton==3.6.0
tsfresh==0.21.2
tweepy==4.16.0
typeguard==4.5.2
typer==0.25.1
types-pytz==2026.2.0.20260518
types-setuptools==82.0.0.20260518
typing-inspection==0.4.2
typing_extensions==4.15.0
tzdata==2026.2
tzlocal==5.3.1
uc-micro-py==2.0.0
ucxx-cu12==0.48.0
umap-learn==0.5.12
umf==1.0.3
uri-template==1.3.0
uritemplate==4.2.0
urllib3==2.5.0
uuid_utils==0.16.0
uvicorn==0.48.0
uvloop==0.22.1
vega-datasets==0.9.0
wadllib==1.3.6
wandb==0.27.0
wasabi==1.1.3
watchdog==6.0.0
watchfiles==1.2.0
wcwidth==0.7.0
weasel==1.0.0
webcolors==25.10.0
webencodings==0.5.1
websocket-client==1.9.0
websockets==15.0.1
Werkzeug==3.1.8
wheel==0.47.0
widgetsnbextension==3.6.10
wordcloud==1.9.6
wrapt==2.2.1
xarray==2025.12.0
xarray-einstats==0.10.0
xgboost==3.2.0
xlrd==2.0.2
xxhash==3.7.0
xyzservices==2026.3.0
yarl==1.24.2
ydf==0.15.0
ydf_tf==2.20.0
yellowbrick==1.5
yfinance==0.2.66
zict==3.0.0
zipp==4.1.0
zstandard==0.25.0
"""


def parse_freeze(text: str) -> dict[str, tuple[str, str]]:
    "Canonical name -> (name as written, version) for each `name==version` or `name @ url-of-a-wheel` line."
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        if "==" in line:
            name, version = (x.strip() for x in line.split("==", 1))
        elif " @ " in line:
            name, url = (x.strip() for x in line.split(" @ ", 1))
            fname = urllib.parse.unquote(url.split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1])
            m = re.match(r"[^-]+-([^-]+?)(?:-[^-]+){2,3}\.whl$|[^-]+-(.+?)\.(?:tar\.gz|zip)$", fname)
            if not m:  # a git checkout (Colab's own kernel gateway): no version to record
                continue
            version = m.group(1) or m.group(2)
        else:
            continue
        out[canon(name)] = (name, version)
    return out


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def say(msg: str = "") -> None:
    print(msg, flush=True)


def pip_env() -> dict[str, str]:
    "This process's environment without pip settings that point anywhere but PyPI (config files included)."
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_") or k in ("PIP_CERT", "PIP_CLIENT_CERT")}
    env["PIP_CONFIG_FILE"] = os.devnull  # no global/user/site pip.conf: no extra indexes, find-links or caps
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def check_pypi(timeout: float = 10.0) -> str | None:
    "None when PyPI's simple index answers within `timeout` seconds, else why not."
    cafile = os.environ.get("PIP_CERT") or None
    try:
        ctx = ssl.create_default_context(cafile=cafile)
        req = urllib.request.Request(PYPI + "/pip/", method="HEAD",
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r:
            r.read(0)
        return None
    except (urllib.error.URLError, OSError, ssl.SSLError) as e:
        return f"{type(e).__name__}: {getattr(e, 'reason', e)}"


def find_python(version: str) -> str | None:
    "An interpreter of `version` (e.g. '3.12') that can make a venv, or None."
    names = [shutil.which(f"python{version}")]
    names += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")), reverse=True)
    names += [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for exe in filter(None, names):
        try:
            r = subprocess.run([exe, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if r.returncode == 0 and r.stdout.strip() == version:
            return exe
    return None


def build_wheel(work: Path, env: dict[str, str]) -> Path:
    "neurolatent's wheel, built offline from a copy of the files setup.py packages (the checkout stays clean)."
    src = work / "src"
    src.mkdir()
    for f in ("setup.py", "settings.ini", "README.md"):
        shutil.copy2(ROOT / f, src / f)
    shutil.copytree(ROOT / "neurolatent", src / "neurolatent", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"), str(src)]
    if importlib.util.find_spec("setuptools"):  # build with it, offline
        cmd.insert(4, "--no-build-isolation")
    else:  # pip fetches setuptools from PyPI into an isolated build environment
        cmd[4:4] = ["--index-url", PYPI, "--retries", "0", "--timeout", "10", "--only-binary=:all:"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=work, timeout=300)
    wheels = sorted((work / "dist").glob("neurolatent-*.whl"))
    if r.returncode != 0 or not wheels:
        say(r.stdout + r.stderr)
        raise SystemExit(f"FAIL: could not build neurolatent's wheel (pip wheel exit {r.returncode}).")
    return wheels[0]


def fake_colab_env(work: Path, python: str, colab: dict[str, tuple[str, str]]) -> Path:
    "A venv whose site-packages lists Colab's packages as installed (metadata only); returns its python."
    venv = work / "colab"
    subprocess.run([python, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    for name, version in colab.values():
        d = site / f"{re.sub(r'[-_.]+', '_', name)}-{version}.dist-info"
        d.mkdir()
        (d / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (d / "INSTALLER").write_text("colab-freeze\n")
        (d / "RECORD").write_text("")
    return py


def requirement_names(item: dict) -> set[str]:
    "Names of the requirements, extras left out, in an item of pip's report."
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
    names = set()
    for text in item.get("metadata", {}).get("requires_dist", []) or []:
        try:
            req = Requirement(text)
        except InvalidRequirement:
            continue
        if req.marker is None or "extra" not in str(req.marker):
            names.add(canon(req.name))
    return names


def same_version(a: str, b: str) -> bool:
    "PEP 440 equality (so `2.0.0-b6` equals `2.0.0b6`), falling back to the strings for non-PEP 440 versions."
    from pip._vendor.packaging.version import InvalidVersion, Version
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


OFFLINE_HINTS = ("NewConnectionError", "Max retries exceeded", "Failed to establish a new connection",
                 "Temporary failure in name resolution", "Network is unreachable", "ConnectTimeout",
                 "Read timed out", "Could not fetch URL")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    ap.add_argument("--also", action="append", default=[], metavar="REQ",
                    help="an extra requirement to install with neurolatent (to see the check fail)")
    ap.add_argument("--freeze", type=Path, help="a `pip freeze` of Colab to use instead of the recorded one")
    ap.add_argument("--python", help=f"a Python {COLAB_PYTHON} interpreter (default: found on this machine)")
    ap.add_argument("--extras", default="", help="extras to install with it, e.g. 'dandi' (the Allen tutorial's install)")
    ap.add_argument("--allow-other-changes", action="store_true",
                    help=f"fail only when one of {', '.join(PROTECTED)} would change; list other changes as warnings")
    ap.add_argument("-v", "--verbose", action="store_true", help="show pip's log")
    args = ap.parse_args(argv)
    t0 = time.monotonic()

    freeze_text = args.freeze.read_text() if args.freeze else COLAB_FREEZE
    source = str(args.freeze) if args.freeze else COLAB_SOURCE
    colab = parse_freeze(freeze_text)
    missing = [p for p in PROTECTED if p not in colab]
    if missing:
        say(f"FAIL: the Colab freeze lists no {', '.join(missing)}.")
        return EXIT_LOCAL

    why = check_pypi()
    if why:
        say(f"PyPI UNREACHABLE: {PYPI} did not answer within 10 s ({why}). The check needs PyPI's metadata; "
            "nothing was checked.")
        return EXIT_OFFLINE

    env = pip_env()
    python = args.python or find_python(COLAB_PYTHON)
    extra_flags, note = [], ""
    if python is None:
        python = sys.executable
        extra_flags = ["--python-version", COLAB_PYTHON]
        note = (f" (no Python {COLAB_PYTHON} found: running under Python {sys.version.split()[0]} with "
                f"--python-version {COLAB_PYTHON}; environment markers are evaluated for the running Python)")

    with tempfile.TemporaryDirectory(prefix="colab-check-") as tmp:
        work = Path(tmp)
        wheel = build_wheel(work, env)
        py = fake_colab_env(work, python, colab)
        report = work / "report.json"
        target = f"neurolatent[{args.extras}] @ {wheel.as_uri()}" if args.extras else str(wheel)
        cmd = [sys.executable, "-m", "pip", "--python", str(py), "install", "--dry-run",
               "--report", str(report), "--only-binary=:all:", "--index-url", PYPI, "--retries", "0",
               "--timeout", "10", "--use-feature=fast-deps", *extra_flags, target, *args.also]
        if not args.verbose:
            cmd.insert(cmd.index("install") + 1, "-q")
        pyver = subprocess.run([str(py), "-c", "import platform; print(platform.python_version())"],
                               capture_output=True, text=True).stdout.strip()
        say(f"Colab's packages: {len(colab)} from {source}, Python {COLAB_PYTHON}")
        shown = f"neurolatent[{args.extras}] ({wheel.name})" if args.extras else wheel.name
        say(f"Resolving: pip install {shown}{''.join(' ' + a for a in args.also)} "
            f"(dry run, PyPI only, metadata only) under Python {pyver}{note}")
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
            out = r.stdout + r.stderr
            if r.returncode != 0 and "fast-deps" in out and "invalid choice" in out:  # a pip without the feature
                cmd.remove("--use-feature=fast-deps")
                r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
                out = r.stdout + r.stderr
        except subprocess.TimeoutExpired:
            say("FAIL: pip did not finish within 600 s.")
            return EXIT_CHANGE
        if args.verbose:
            say(out)
        if r.returncode != 0:
            if any(h in out for h in OFFLINE_HINTS) and check_pypi() is not None:
                say(f"PyPI UNREACHABLE during resolution (pip exit {r.returncode}):\n{out[-2000:]}")
                return EXIT_OFFLINE
            say(out[-4000:])
            say(f"FAIL: pip could not resolve neurolatent together with Colab's packages (exit {r.returncode}); "
                "see pip's message above.")
            return EXIT_CHANGE
        items = json.loads(report.read_text())["install"]

    changes, new, needed = [], [], set()
    for it in items:
        name, version = it["metadata"]["name"], it["metadata"]["version"]
        needed |= requirement_names(it)
        key = canon(name)
        if key in colab and not same_version(colab[key][1], version):
            changes.append((key, colab[key][1], version))
        elif key not in colab:
            new.append(f"{name} {version}")
    changed = {c[0] for c in changes}
    kept = sorted(k for k in needed if k in colab and k not in changed)
    say(f"Kept at Colab's versions ({len(kept)} that neurolatent and its new dependencies require): "
        + ", ".join(f"{colab[k][0]} {colab[k][1]}" for k in kept))
    say("Must not change: " + ", ".join(f"{colab[p][0]} {colab[p][1]}" for p in PROTECTED))
    say(f"Would be newly installed ({len(new)}): " + ", ".join(new))
    secs = time.monotonic() - t0
    what = f"neurolatent[{args.extras}]" if args.extras else "neurolatent"
    fatal = [c for c in changes if c[0] in PROTECTED or not args.allow_other_changes]
    if changes:
        say(f"{'FAIL' if fatal else 'WARNING'}: installing {what} on Colab would change {len(changes)} preinstalled "
            "package(s):")
        for key, old, newv in changes:
            mark = "   <- breaks a Colab session" if key in PROTECTED else ""
            say(f"  {colab[key][0]}: {old} -> {newv}{mark}")
    if fatal:
        say(f"({secs:.1f} s)")
        return EXIT_CHANGE
    if changes:
        say(f"OK: installing {what} on Colab changes none of {', '.join(PROTECTED)} ({secs:.1f} s).")
    else:
        say(f"OK: installing {what} on Colab changes none of Colab's {len(colab)} preinstalled packages "
            f"({secs:.1f} s).")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
