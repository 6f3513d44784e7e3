#!/usr/bin/env bash
# One prepared check of the GPU path (issue 17), for a machine lent for a few minutes without network:
#   1. installs neurolatent with `pip install --no-deps -e .` and, from the carried `wheels/` folder (`make gpu-wheels`),
#      only the packages the image lacks (--no-deps --no-index): the preinstalled torch / jax / numpy are never replaced;
#   2. runs the device tests, `pytest -m gpu` (tests/test_gpu.py) on cuda;
#   3. runs bench/bench_gpu.py in the time left (alternating contenders, each benchmark in a budget);
# and writes ONE JSON file, $OUT/gpu_check.json (keys: bench/README.md, "bench_gpu.py"), plus $OUT/gpu_check.log.
# All of it within 8 minutes (GPU_CHECK_LIMIT_S, default 470 s).
#
#   tools/gpu_check.sh             # on the GPU machine; OUT defaults to ./gpu_out
#   tools/gpu_check.sh --dry-run   # here, on the CPU: nothing is installed, tests and benchmarks at tiny sizes (< 1 min)
set -u
cd "$(dirname "$0")/.."
DRY=0
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY=1 ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "gpu_check.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
OUT="${OUT:-gpu_out}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
LOG="$OUT/gpu_check.log"
EXTRA="$OUT/.gpu_check_extra.json"
LIMIT_S="${GPU_CHECK_LIMIT_S:-470}"
START=$(date +%s)
left() { echo $(( LIMIT_S - ($(date +%s) - START) )); }
: > "$LOG"
say() { echo "$*" | tee -a "$LOG"; }

# the interpreter: $PYTHON, else this checkout's .venv on a dry run, else the image's python3
if [ -z "${PYTHON:-}" ]; then
  if [ "$DRY" = 1 ] && [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
export XLA_PYTHON_CLIENT_PREALLOCATE=false      # torch and JAX share the GPU
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"   # neurolatent importable even if the editable install fails
if [ "$DRY" = 1 ]; then
  export NEUROLATENT_TEST_DEVICE=cpu OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 CUDA_VISIBLE_DEVICES=""
  # compile fast and once: the dry run checks code paths, not speed, and its LFADS test and benchmark share one
  # compiled training chunk through JAX's persistent cache (removed at the end)
  JAX_CACHE=$(mktemp -d); trap 'rm -rf "$JAX_CACHE"' EXIT
  export JAX_COMPILATION_CACHE_DIR="$JAX_CACHE" JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=0.5
  export XLA_FLAGS="${XLA_FLAGS:+$XLA_FLAGS }--xla_backend_optimization_level=0"
  DEVICE_ARGS="--dry-run"
else
  export NEUROLATENT_TEST_DEVICE="${NEUROLATENT_TEST_DEVICE:-cuda}"
  DEVICE_ARGS=""
fi
say "gpu_check: dry_run=$DRY python=$PYTHON out=$OUT limit=${LIMIT_S}s $(date -u +%FT%TZ)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | tee -a "$LOG"

# ---- 1. install: neurolatent without dependencies, then the carried wheels the image lacks
INSTALL_RC=0; INSTALLED=""
MISSING=$("$PYTHON" - <<'EOF'
# distributions that have a wheel in wheels/ but are not installed here (names as pip writes them in wheel files)
import glob, importlib.metadata as md, os, re
names = sorted({re.sub(r"[-_.]+", "-", os.path.basename(w).split("-")[0]).lower() for w in glob.glob("wheels/*.whl")})
def have(n):
    try: md.version(n); return True
    except md.PackageNotFoundError: return False
print(" ".join(n for n in names if not have(n)))
EOF
)
say "wheels/: $(ls wheels/*.whl 2>/dev/null | wc -l) wheels; not installed here: ${MISSING:-none}"
if [ "$DRY" = 1 ]; then
  say "[dry run] would run: $PYTHON -m pip install --no-deps --no-index --find-links wheels ${MISSING:-(nothing)}"
  say "[dry run] would run: $PYTHON -m pip install --no-deps --no-build-isolation -e ."
else
  if [ -n "$MISSING" ]; then
    # shellcheck disable=SC2086
    "$PYTHON" -m pip install -q --no-deps --no-index --find-links wheels $MISSING >>"$LOG" 2>&1 || INSTALL_RC=$?
    INSTALLED="$MISSING"
  fi
  "$PYTHON" -m pip install -q --no-deps --no-build-isolation --no-index -e . >>"$LOG" 2>&1 || INSTALL_RC=$?
  [ "$INSTALL_RC" = 0 ] || say "install: exit $INSTALL_RC (see the log; PYTHONPATH keeps neurolatent importable)"
fi
[ "$DRY" = 1 ] || "$PYTHON" -c "import torch, jax, numpy, neurolatent; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), '| jax', jax.__version__, jax.default_backend(), '| numpy', numpy.__version__, '| neurolatent', neurolatent.__version__)" 2>&1 | tee -a "$LOG"

# ---- 2. device tests
PYTEST_S=$(( $(left) - 300 )); [ "$PYTEST_S" -gt 240 ] && PYTEST_S=240; [ "$PYTEST_S" -lt 60 ] && PYTEST_S=60
T0=$(date +%s)
timeout "$PYTEST_S" "$PYTHON" -m pytest tests/test_gpu.py -m gpu -p no:cacheprovider -q -rs --durations=5 > "$OUT/pytest_gpu.txt" 2>&1
PYTEST_RC=$?
PYTEST_SECS=$(( $(date +%s) - T0 ))
PYTEST_LINE=$(grep -E "(passed|failed|skipped|error|no tests ran)" "$OUT/pytest_gpu.txt" | tail -1)
tail -n 40 "$OUT/pytest_gpu.txt" >> "$LOG"
say "pytest -m gpu: exit $PYTEST_RC in ${PYTEST_SECS}s: $PYTEST_LINE"

"$PYTHON" - "$EXTRA" "$INSTALL_RC" "$INSTALLED" "$PYTEST_RC" "$PYTEST_SECS" "$PYTEST_LINE" "$OUT/pytest_gpu.txt" <<'EOF'
import json, sys
path, irc, inst, prc, psecs, pline, ptxt = sys.argv[1:]
fails = [l.strip() for l in open(ptxt, errors="replace") if l.startswith(("FAILED", "ERROR"))][:20]
json.dump({"install": {"rc": int(irc), "installed_from_wheels": inst.split()},
           "pytest": {"rc": int(prc), "seconds": int(psecs), "summary": pline, "failures": fails,
                      "timed_out": int(prc) == 124}}, open(path, "w"))
EOF

# ---- 3. benchmarks in the time left (a margin of 20 s for writing and returning)
BUDGET=$(( $(left) - 20 )); [ "$BUDGET" -lt 30 ] && BUDGET=30
[ "$DRY" = 1 ] && [ "$BUDGET" -gt 60 ] && BUDGET=60
say "bench_gpu.py: budget ${BUDGET}s"
timeout $(( BUDGET + 60 )) "$PYTHON" bench/bench_gpu.py $DEVICE_ARGS --out "$OUT" --budget-s "$BUDGET" --extra "$EXTRA" 2>&1 \
  | grep -v -E "Warning|warnings.warn|^\s*$" | tee -a "$LOG"
BENCH_RC=${PIPESTATUS[0]}
rm -f "$EXTRA"
say "gpu_check: bench exit $BENCH_RC; total $(( $(date +%s) - START ))s; JSON $OUT/gpu_check.json"
[ "$PYTEST_RC" = 0 ] && [ "$BENCH_RC" = 0 ] && [ "$INSTALL_RC" = 0 ]
