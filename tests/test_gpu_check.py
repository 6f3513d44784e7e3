"""`tools/gpu_check.sh --dry-run`: the one-call GPU check (issue 17) runs end to end on the CPU at tiny sizes.

It runs the device tests (tests/test_gpu.py with NEUROLATENT_TEST_DEVICE=cpu) and every benchmark of
bench/bench_gpu.py, installs nothing, and writes the JSON the GPU run writes; this test checks that JSON.
"""
import json
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHES = {"matmul", "cebra_time_64", "cebra_behavior_64", "lfads", "adaptation", "multisession", "transform",
           "cebra_time_128", "cebra_behavior_128", "host_syncs", "infonce_paths", "gpu_options"}


def test_gpu_check_dry_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("NEUROLATENT_TEST_DEVICE", "PYTHONPATH")}
    r = subprocess.run(["bash", str(ROOT / "tools" / "gpu_check.sh"), "--dry-run"], cwd=ROOT, capture_output=True, text=True,
                       timeout=600, env={**env, "OUT": str(tmp_path)})
    log = (tmp_path / "gpu_check.log").read_text() if (tmp_path / "gpu_check.log").exists() else ""
    assert r.returncode == 0, (r.stdout + r.stderr + log)[-4000:]
    doc = json.loads((tmp_path / "gpu_check.json").read_text())
    assert doc["dry_run"] is True and doc["device"] == "cpu" and doc["schema"] == 1
    assert doc["errors"] == [] and doc["skipped"] == [], (doc["errors"], doc["skipped"])
    assert set(doc["results"]) == BENCHES
    assert doc["pytest"]["rc"] == 0 and "9 passed" in doc["pytest"]["summary"], doc["pytest"]
    assert doc["install"]["rc"] == 0
    for k in ("time_64_speedup", "behavior_128_speedup", "multisession_speedup", "adapt100_s", "adapt500_s",
              "transform_samples_per_s", "lfads_step_s", "lfads_flop_fraction", "bf16_mixed_speedup", "compile_speedup",
              "infonce_blocked_over_plain"):
        assert doc["summary"][k] > 0, k
    assert doc["meta"]["xla_preallocate"] == "false"
    opts = doc["results"]["gpu_options"]
    assert set(opts["its"]) == {"float32", "bf16_mixed", "compile"}   # CUDA graphs only on a GPU
    assert 0 < opts["first_fit"]["bf16_mixed"]["max_loss_gap_vs_float32"] < 0.1
    assert opts["first_fit"]["compile"]["max_loss_gap_vs_float32"] < 1e-4
    ip = doc["results"]["infonce_paths"]
    assert ip["ms_plain"] > 0 and ip["ms_blocked"] > 0 and ip["used_here"] == "plain"   # batch 128: below the blocked size
