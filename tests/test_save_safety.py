"""Saving never loses data: processes killed with SIGKILL in the middle of saving leave the previous file whole,
and the next save removes the temporary files they left (and only theirs)."""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch

from neurolatent.training import read_torch_file, write_torch_file

WRITER = """
import sys, torch
from neurolatent.training import write_torch_file
big = {"w": torch.randn(12_000_000)}   # ~48 MB per save
print("saving", flush=True)
while True: write_torch_file(sys.argv[1], big)
"""


def test_sigkill_during_saves_never_tears_the_file_and_the_next_save_cleans_up(tmp_path):
    target = tmp_path / "model.pt"
    write_torch_file(target, {"w": torch.arange(5.0)})
    codes = []
    for _ in range(8):  # at least 4 kills, and until one has landed inside a save
        if len(codes) >= 4 and any(p.name != "model.pt" for p in tmp_path.iterdir()): break
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], env={**os.environ, "OMP_NUM_THREADS": "1"},
                             stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "saving"  # imports done, however long they took on a busy machine
        time.sleep(random.uniform(0.05, 1.0))  # a few saves: the kill lands at a random point of one
        p.send_signal(signal.SIGKILL); p.wait()
        codes.append(p.returncode)
        obj = read_torch_file(target)          # whole after every kill: the old content or a complete new one
        assert obj["w"].shape in ((5,), (12_000_000,))
    assert codes and all(c == -signal.SIGKILL for c in codes), codes
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "model.pt"]
    assert leftovers, "no kill landed inside a save: the test proved nothing"
    write_torch_file(target, {"w": torch.ones(3)})
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"], f"left before the last save: {leftovers}"
    assert torch.equal(read_torch_file(target)["w"], torch.ones(3))


def test_a_failed_torch_write_says_so_and_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "model.pt"
    write_torch_file(target, {"w": torch.zeros(2)})
    def failing_save(obj, f): raise RuntimeError("[enforce fail at inline_container.cc:672] . PytorchStreamWriter failed writing file data/0: file write failed")
    monkeypatch.setattr(torch, "save", failing_save)
    try:
        write_torch_file(target, {"w": torch.ones(2)})
        raise AssertionError("no error")
    except OSError as e:
        assert "the disk may be full" in str(e) and "The previous file is untouched." in str(e), e
    monkeypatch.undo()
    assert torch.equal(read_torch_file(target)["w"], torch.zeros(2))
    assert [p.name for p in Path(tmp_path).iterdir()] == ["model.pt"]
