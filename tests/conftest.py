"""pytest configuration of the test suite (there is no pytest.ini / setup.cfg / pyproject.toml: the markers live here)."""
import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: device tests (tests/test_gpu.py); run on NEUROLATENT_TEST_DEVICE (default cuda), "
                                       "skipped without CUDA; `pytest -m gpu` selects them, tools/gpu_check.sh runs them")


@pytest.fixture
def watch_steps(monkeypatch):
    """`watch_steps(on_cuda)` → a list that collects, for the fits that follow, the host waits inside each training step:
    under torch's CUDA sync debug mode 'error' on a GPU (a wait raises), with `training.host_syncs` on the CPU, where the
    sampler and the loss are switched to the branches a GPU takes (the CPU has its own: k-d trees, the blocked loss)."""
    def start(on_cuda=False):
        import torch
        import neurolatent.cebra as cebra_mod
        from neurolatent.training import host_syncs
        calls, real = [], cebra_mod.run_steps
        if not on_cuda:
            import neurolatent.losses as losses
            import neurolatent.sampling as sampling
            monkeypatch.setattr(sampling, "_uses_tree", lambda device: False)
            monkeypatch.setattr(losses, "_use_blocked", lambda ref, neg: False)
        def watched_run(est, step, steps, *args, **kw):
            def watched():
                if not on_cuda:
                    with host_syncs() as rec: row = step()
                    calls.extend(rec.calls)
                    return row
                torch.cuda.set_sync_debug_mode("error")
                try: return step()
                finally: torch.cuda.set_sync_debug_mode("default")
            return real(est, watched, steps, *args, **kw)
        monkeypatch.setattr(cebra_mod, "run_steps", watched_run)
        return calls
    return start
